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

/// <summary>Names used in paths, ids and <c>-p:Set</c> keys: no dots, no slashes, no spaces.</summary>
public static class Names
{
    public const string Regex = "^[A-Za-z0-9][A-Za-z0-9_-]*$";
    public const string Description = "letters, digits, '-' and '_', starting with a letter or digit";
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
