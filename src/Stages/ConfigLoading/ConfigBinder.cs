using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SaePipeline.Config;

/// <summary>
/// Binds a YAML node tree onto the config records, collecting every problem with its position instead of stopping
/// at the first. Keys are the snake_case names of the record properties; rules come from the attributes in
/// ConfigAttributes.cs, <c>required</c> members and <see cref="IValidatedConfig"/>.
/// </summary>
internal sealed class ConfigBinder(string file)
{
    /// <summary>
    /// Rules of a record that live above the config floor, run after its own <see cref="IValidatedConfig.Validate"/>:
    /// an SAE entry's architecture-specific keys belong to the architectures (src/Sae/Architectures/).
    /// </summary>
    static readonly Dictionary<Type, Action<object, ConfigValidation>> Rules = new()
    {
        [typeof(SaeConfig)] = (sae, v) => Sae.SaeArchitectures.Validate((SaeConfig)sae, v),
    };

    readonly List<ConfigError> errors = [];
    readonly HashSet<string> reported = [];
    readonly Dictionary<YamlNode, string> commandLineNodes = new(ReferenceEqualityComparer.Instance);
    readonly Dictionary<YamlNode, string> displayPaths = new(ReferenceEqualityComparer.Instance);
    readonly Dictionary<YamlNode, YamlNode> standIns = new(ReferenceEqualityComparer.Instance);   // expanded shorthand → the scalar written
    readonly NullabilityInfoContext nullability = new();

    public IReadOnlyList<ConfigError> Errors => errors;

    /// <summary>Check each key's own value only, not the rules across keys (<see cref="IValidatedConfig"/>).</summary>
    public bool KeysOnly { get; init; }

    /// <summary>The file being bound, as errors show it.</summary>
    public string File => file;

    /// <summary>The folder of the file being bound.</summary>
    public string BaseDirectory => Path.GetDirectoryName(Path.GetFullPath(file)) ?? ".";
    public bool HasErrors => errors.Any(e => !e.IsWarning);

    /// <summary>Marks a node as coming from a <c>-p:Set</c> override, so errors point at the command line.</summary>
    public void MarkCommandLine(YamlNode node, string setting)
    {
        foreach (var n in node.AllNodes) commandLineNodes[n] = setting;
    }

    /// <summary>Errors about this key node's value are reported under <paramref name="path"/> (used for sae_defaults).</summary>
    public void SetDisplayPath(YamlNode keyNode, string path) => displayPaths[keyNode] = path;

    public string? DisplayPath(YamlNode keyNode) => displayPaths.GetValueOrDefault(keyNode);

    /// <summary>A node made by the loader (an expanded sweep's name) is reported at the node that was written.</summary>
    public void StandIn(YamlNode made, YamlNode written) => standIns[made] = written;

    public ConfigLocation LocationOf(YamlNode node) =>
        standIns.TryGetValue(node, out var written) ? LocationOf(written) :
        commandLineNodes.TryGetValue(node, out var setting)
            ? ConfigLocation.CommandLine(setting)
            : new ConfigLocation(file, (int)node.Start.Line, (int)node.Start.Column);

    public void Report(YamlNode node, string path, string code, string message, bool warning = false)
    {
        var error = new ConfigError(LocationOf(node), path, code, message, warning);
        if (reported.Add(error.ToString())) errors.Add(error);
    }

    public void Report(ConfigLocation location, string path, string code, string message)
    {
        var error = new ConfigError(location, path, code, message);
        if (reported.Add(error.ToString())) errors.Add(error);
    }

    public static string KeyName(PropertyInfo p) => JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name);

    public T? Bind<T>(YamlNode node, string path) where T : class => (T?)BindRecord(node, typeof(T), path);

    object? BindRecord(YamlNode node, Type type, string path)
    {
        var properties = SettableProperties(type);
        if (node is not YamlMappingNode mapping)
        {
            Report(node, path, ConfigCodes.WrongType, $"expected a mapping with keys such as {string.Join(", ", properties.Keys.Take(4))}, got {Describe(node)}");
            return null;
        }
        int errorsBefore = errors.Count(e => !e.IsWarning);
        object instance = Activator.CreateInstance(type)!;
        var seen = new HashSet<string>();
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key })
            {
                Report(keyNode, path, ConfigCodes.WrongType, "keys must be plain names");
                continue;
            }
            string keyPath = displayPaths.TryGetValue(keyNode, out var display) ? display : Join(path, key);
            if (!properties.TryGetValue(key, out var property))
            {
                Report(keyNode, keyPath, ConfigCodes.UnknownKey, UnknownKeyMessage(key, properties.Keys));
                continue;
            }
            seen.Add(key);
            if (TryBindValue(valueNode, property.PropertyType, keyPath, property, out var value))
                property.SetValue(instance, value);
        }
        foreach (var (key, property) in properties)
            if (!seen.Contains(key) && property.GetCustomAttribute<RequiredMemberAttribute>() is not null)
                Report(mapping, Join(path, key), ConfigCodes.MissingRequired, $"missing required key '{key}'");

        bool clean = errors.Count(e => !e.IsWarning) == errorsBefore;
        if (clean && !KeysOnly)
        {
            var validation = new YamlConfigValidation(this, mapping, path);
            if (instance is IValidatedConfig validated) validated.Validate(validation);
            if (Rules.TryGetValue(type, out var rule)) rule(instance, validation);
        }
        return instance;
    }

    bool TryBindValue(YamlNode node, Type type, string path, PropertyInfo? property, out object? value)
    {
        value = null;
        var underlying = Nullable.GetUnderlyingType(type);
        bool nullable = underlying is not null ||
                        (property is not null && !type.IsValueType &&
                         nullability.Create(property).WriteState == NullabilityState.Nullable);
        type = underlying ?? type;

        if (node is YamlScalarNode scalar && IsNull(scalar))
        {
            if (nullable) return true;
            Report(node, path, ConfigCodes.WrongType, $"expected {Expected(type)}, got nothing (null)");
            return false;
        }

        if (type == typeof(string))
        {
            if (node is not YamlScalarNode s) return WrongType(node, path, type);
            value = s.Value!;
            return CheckPattern(node, path, (string)value, property);
        }
        if (type == typeof(int) || type == typeof(long) || type == typeof(double))
        {
            if (node is not YamlScalarNode s || !TryParseNumber(s.Value!, type, out var number))
                return WrongType(node, path, type);
            value = number;
            return CheckRange(node, path, Convert.ToDouble(number, CultureInfo.InvariantCulture), property);
        }
        if (type == typeof(bool))
        {
            if (node is not YamlScalarNode { Value: "true" or "false" or "True" or "False" } s) return WrongType(node, path, type);
            value = s.Value!.Equals("true", StringComparison.OrdinalIgnoreCase);
            return true;
        }
        if (type.IsEnum)
        {
            var names = Enum.GetNames(type).ToDictionary(n => JsonNamingPolicy.SnakeCaseLower.ConvertName(n), n => n);
            if (node is YamlScalarNode { Value: { } text } && names.TryGetValue(text, out var name))
            {
                value = Enum.Parse(type, name);
                return true;
            }
            Report(node, path, ConfigCodes.WrongType, $"expected one of {string.Join(", ", names.Keys)}, got {Describe(node)}");
            return false;
        }
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
            return TryBindList(node, type.GetGenericArguments()[0], path, property, out value);
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>) && type.GetGenericArguments()[0] == typeof(string))
            return TryBindDictionary(node, type.GetGenericArguments()[1], path, out value);
        if (type.IsClass && node is YamlScalarNode { Value: { } written } && typeof(IScalarShorthand).IsAssignableFrom(type))
        {
            // model: builtin:tiny  ≡  model: {builtin: tiny}
            var (key, expanded) = ((IScalarShorthand)Activator.CreateInstance(type)!).Expand(written);
            var keyNode = new YamlScalarNode(key);
            var valueNode = new YamlScalarNode(expanded);
            var mapping = new YamlMappingNode { { keyNode, valueNode } };
            foreach (var n in new YamlNode[] { keyNode, valueNode, mapping }) standIns[n] = node;
            value = BindRecord(mapping, type, path);
            return value is not null;
        }
        if (type.IsClass)
        {
            value = BindRecord(node, type, path);
            return value is not null;
        }
        throw new NotSupportedException($"config type {type} has no binding rule");
    }

    bool TryBindList(YamlNode node, Type element, string path, PropertyInfo? property, out object? value)
    {
        value = null;
        if (node is not YamlSequenceNode sequence)
        {
            Report(node, path, ConfigCodes.WrongType, $"expected a list, got {Describe(node)}");
            return false;
        }
        var list = (System.Collections.IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(element))!;
        bool ok = true;
        for (int i = 0; i < sequence.Children.Count; i++)
        {
            var item = sequence.Children[i];
            if (TryBindValue(item, element, ElementPath(path, i, item), null, out var bound)) list.Add(bound);
            else ok = false;
        }
        if (property?.GetCustomAttribute<MinCountAttribute>() is { } min && sequence.Children.Count < min.Count)
        {
            Report(node, path, ConfigCodes.OutOfRange, $"needs at least {min.Count} entr{(min.Count == 1 ? "y" : "ies")}, got {sequence.Children.Count}");
            ok = false;
        }
        value = list;
        return ok;
    }

    /// <summary>A mapping from names to values (e.g. <c>datasets:</c>, <c>columns:</c>), keys in file order.</summary>
    bool TryBindDictionary(YamlNode node, Type element, string path, out object? value)
    {
        value = null;
        if (node is not YamlMappingNode mapping)
        {
            Report(node, path, ConfigCodes.WrongType, $"expected a mapping, got {Describe(node)}");
            return false;
        }
        var dictionary = (System.Collections.IDictionary)Activator.CreateInstance(typeof(OrderedDictionary<,>).MakeGenericType(typeof(string), element))!;
        bool ok = true;
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { Length: > 0 } key })
            {
                Report(keyNode, path, ConfigCodes.WrongType, "keys must be plain names");
                ok = false;
                continue;
            }
            if (TryBindValue(valueNode, element, Join(path, key), null, out var bound)) dictionary[key] = bound;
            else ok = false;
        }
        value = dictionary;
        return ok;
    }

    /// <summary>List entries with a <c>name</c> are addressed by it (<c>saes.relu-a</c>), as <c>-p:Set</c> does.</summary>
    static string ElementPath(string path, int index, YamlNode item) =>
        item is YamlMappingNode m && m.Children.TryGetValue(new YamlScalarNode("name"), out var n) &&
        n is YamlScalarNode { Value: { Length: > 0 } name } && Regex.IsMatch(name, Names.Regex)
            ? $"{path}.{name}"
            : $"{path}[{index}]";

    bool CheckRange(YamlNode node, string path, double v, PropertyInfo? p)
    {
        if (p is null) return true;
        string? problem = null;
        if (p.GetCustomAttribute<MinAttribute>() is { } min && v < min.Min) problem = $"must be ≥ {Format(min.Min)}";
        else if (p.GetCustomAttribute<MaxAttribute>() is { } max && v > max.Max) problem = $"must be ≤ {Format(max.Max)}";
        else if (p.GetCustomAttribute<GreaterThanAttribute>() is { } gt && v <= gt.Bound) problem = $"must be > {Format(gt.Bound)}";
        else if (p.GetCustomAttribute<LessThanAttribute>() is { } lt && v >= lt.Bound) problem = $"must be < {Format(lt.Bound)}";
        if (problem is null) return true;
        Report(node, path, ConfigCodes.OutOfRange, $"{problem}, got {Format(v)}");
        return false;
    }

    bool CheckPattern(YamlNode node, string path, string v, PropertyInfo? p)
    {
        if (p?.GetCustomAttribute<PatternAttribute>() is not { } pattern || Regex.IsMatch(v, pattern.Regex)) return true;
        Report(node, path, ConfigCodes.OutOfRange, $"{ConfigText.Quote(v)} is not a valid name: use {pattern.Description}");
        return false;
    }

    bool WrongType(YamlNode node, string path, Type type)
    {
        Report(node, path, ConfigCodes.WrongType, $"expected {Expected(type)}, got {Describe(node)}");
        return false;
    }

    static bool TryParseNumber(string text, Type type, out object value)
    {
        value = 0;
        string t = text.Replace("_", "");   // 1_048_576 reads better than 1048576
        if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) || !double.IsFinite(d))
            return false;
        if (type == typeof(double)) { value = d; return true; }
        if (d != Math.Floor(d)) return false;
        if (type == typeof(int))
        {
            if (d is < int.MinValue or > int.MaxValue) return false;
            value = (int)d;
            return true;
        }
        if (d is < long.MinValue or > long.MaxValue) return false;
        value = (long)d;
        return true;
    }

    static bool IsNull(YamlScalarNode s) =>
        s.Style is ScalarStyle.Plain or ScalarStyle.Any && s.Value is null or "" or "~" or "null" or "Null" or "NULL";

    static string Expected(Type t) =>
        t == typeof(int) || t == typeof(long) ? "an integer" :
        t == typeof(double) ? "a number" :
        t == typeof(bool) ? "true or false" :
        t == typeof(string) ? "a string" :
        t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IReadOnlyList<>) ? "a list" : "a mapping";

    static string Describe(YamlNode node) => node switch
    {
        YamlScalarNode s when IsNull(s) => "nothing (null)",
        YamlScalarNode s => ConfigText.Quote(s.Value ?? ""),
        YamlSequenceNode => "a list",
        YamlMappingNode => "a mapping",
        _ => node.NodeType.ToString(),
    };

    static string Format(double v) => v.ToString("G6", CultureInfo.InvariantCulture);

    static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    static string UnknownKeyMessage(string key, IEnumerable<string> valid)
    {
        var candidates = valid.ToList();
        if (key.Length > 64)   // no key is that long; and the edit distance below is quadratic in it
            return $"unknown key {ConfigText.Quote(key)}; valid keys here: {string.Join(", ", candidates)}";
        // Near: a small edit distance, or a truncation (l1_coef → l1_coefficient).
        var near = candidates
            .Select(c => (c, d: key.Length >= 3 && (c.StartsWith(key, StringComparison.Ordinal) || key.StartsWith(c, StringComparison.Ordinal)) ? 0 : Distance(key, c)))
            .Where(x => x.d <= Math.Max(2, key.Length / 4)).OrderBy(x => x.d).FirstOrDefault();
        return near.c is not null
            ? $"unknown key {ConfigText.Quote(key)} (did you mean '{near.c}'?)"
            : $"unknown key {ConfigText.Quote(key)}; valid keys here: {string.Join(", ", candidates)}";
    }

    static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
            for (int j = 1; j <= b.Length; j++)
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
        return d[a.Length, b.Length];
    }

    static Dictionary<string, PropertyInfo> SettableProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.GetIndexParameters().Length == 0)
            .ToDictionary(KeyName, p => p);
}
