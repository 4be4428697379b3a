namespace SaePipeline.Config;

/// <summary>The value must be ≥ <paramref name="min"/>.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class MinAttribute(double min) : Attribute
{
    public double Min { get; } = min;
}

/// <summary>The value must be ≤ <paramref name="max"/>.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class MaxAttribute(double max) : Attribute
{
    public double Max { get; } = max;
}

/// <summary>The value must be &gt; <paramref name="bound"/>.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class GreaterThanAttribute(double bound) : Attribute
{
    public double Bound { get; } = bound;
}

/// <summary>The value must be &lt; <paramref name="bound"/>.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class LessThanAttribute(double bound) : Attribute
{
    public double Bound { get; } = bound;
}

/// <summary>A list must hold at least <paramref name="count"/> entries.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class MinCountAttribute(int count) : Attribute
{
    public int Count { get; } = count;
}

/// <summary>A string must match a regular expression; <paramref name="description"/> says what that means to a person.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class PatternAttribute(string regex, string description) : Attribute
{
    public string Regex { get; } = regex;
    public string Description { get; } = description;
}

/// <summary>
/// Names used in paths, ids and <c>-p:Set</c> keys: no dots, no slashes, no spaces, at most <see cref="MaxLength"/>
/// characters. Anchored with <c>\A</c>/<c>\z</c>: .NET's <c>$</c> also matches before a final newline, which let
/// <c>"a\n"</c> through into folder names.
/// </summary>
public static class Names
{
    /// <summary>An item folder is <c>name-&lt;8 hex&gt;</c>, and its temp folder adds ~30 characters: far below a file
    /// system's 255-byte limit on one path component, with room for a sweep's suffixes.</summary>
    public const int MaxLength = 100;
    public const string Regex = @"\A[A-Za-z0-9][A-Za-z0-9_-]{0,99}\z";
    public const string Description = "letters, digits, '-' and '_', starting with a letter or digit, at most 100 characters";
}

/// <summary>
/// Implemented by config records whose rules span several keys. Called after the record's own keys were bound.
/// </summary>
public interface IValidatedConfig
{
    void Validate(ConfigValidation validation);
}

/// <summary>
/// Implemented by config records that may also be written as one scalar (<c>model: builtin:tiny</c>): the scalar
/// stands for a mapping with a single key. Called on a default instance.
/// </summary>
public interface IScalarShorthand
{
    /// <summary>The key and value the scalar stands for.</summary>
    (string Key, string Value) Expand(string scalar);
}
