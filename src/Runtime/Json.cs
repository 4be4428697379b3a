using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace SaePipeline.Runtime;

/// <summary>One set of JSON conventions for specs, manifests and results: snake_case keys, enums as snake_case strings.</summary>
public static class Json
{
    public static readonly JsonSerializerOptions Options = Create(indented: true);

    /// <summary>The conventions above, with every <see cref="LocalPathAttribute"/> path cut to its last name.</summary>
    static readonly JsonSerializerOptions FingerprintOptions = Create(indented: false, pathsAsNames: true);

    /// <summary>
    /// What an item's fingerprint hashes of its params: their JSON with each path of this clone (<see cref="LocalPathAttribute"/>)
    /// cut to its file or folder name, so where a clone keeps its files is not part of what it computes.
    /// </summary>
    public static JsonNode ToFingerprintNode<T>(T value) => JsonSerializer.SerializeToNode(value, FingerprintOptions)!;

    static JsonSerializerOptions Create(bool indented, bool pathsAsNames = false)
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            WriteIndented = indented,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            // Training statistics can be NaN (a constant batch has no variance); write them rather than crash.
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            RespectNullableAnnotations = true,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        if (pathsAsNames)
            options.TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver { Modifiers = { PathsAsNames } };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    static void PathsAsNames(System.Text.Json.Serialization.Metadata.JsonTypeInfo type)
    {
        foreach (var property in type.Properties)
            if (property.PropertyType == typeof(string) && property.Get is { } get &&
                property.AttributeProvider?.IsDefined(typeof(LocalPathAttribute), inherit: true) == true)
                property.Get = owner => get(owner) is string path ? Path.GetFileName(path.TrimEnd('/', '\\')) : null;
    }

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options) + "\n";

    public static JsonNode ToNode<T>(T value) => JsonSerializer.SerializeToNode(value, Options)!;

    public static T Deserialize<T>(string text, string origin)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(text, Options)
                   ?? throw new PipelineException($"{origin}: expected a JSON object, found null", origin);
        }
        catch (JsonException e)
        {
            throw new PipelineException($"cannot read {typeof(T).Name} from {origin}: {e.Message}", origin, e);
        }
    }

    public static T ReadFile<T>(string path)
    {
        if (!File.Exists(path)) throw new PipelineException($"missing file {path}", path);
        return Deserialize<T>(File.ReadAllText(path), path);
    }

    /// <summary>
    /// A number as we and Python write them: a JSON number, or NaN and ±∞ as the named literals NaN / Infinity /
    /// -Infinity (quoted, as <see cref="Options"/> writes them, or bare, as Python's json.dump does: see
    /// <see cref="ParseAllowingNamedLiterals"/>). JSON null, or no node, is NaN.
    /// </summary>
    public static double Number(JsonNode? node) => node switch
    {
        null => double.NaN,
        JsonValue v when v.TryGetValue(out double d) => d,
        JsonValue v when v.TryGetValue(out string? s) && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double named)
                         && !double.IsFinite(named) => named,
        _ => throw new InvalidOperationException($"expected a number, found {node.ToJsonString()}"),
    };

    /// <summary>
    /// Parses JSON that may hold Python's bare NaN, Infinity and -Infinity tokens (json.dump writes them; SAEBench's
    /// result files do, and so do ours where a metric is infinite). They become the quoted literals <see cref="Number"/>
    /// reads; strings are left alone.
    /// </summary>
    public static JsonNode? ParseAllowingNamedLiterals(string text)
    {
        var quoted = new StringBuilder(text.Length + 16);
        bool inString = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (inString)
            {
                quoted.Append(c);
                if (c == '\\' && i + 1 < text.Length) quoted.Append(text[++i]);
                else if (c == '"') inString = false;
                continue;
            }
            if (c == '"') inString = true;
            string? literal = NamedLiterals.FirstOrDefault(l => string.CompareOrdinal(text, i, l, 0, l.Length) == 0);
            if (literal is null)
            {
                quoted.Append(c);
                continue;
            }
            quoted.Append('"').Append(literal).Append('"');
            i += literal.Length - 1;
        }
        return JsonNode.Parse(quoted.ToString());
    }

    static readonly string[] NamedLiterals = ["-Infinity", "Infinity", "NaN"];

    public static T Deserialize<T>(JsonNode node, string origin)
    {
        try
        {
            return node.Deserialize<T>(Options) ?? throw new PipelineException($"{origin}: expected a JSON object", origin);
        }
        catch (JsonException e)
        {
            throw new PipelineException($"cannot read {typeof(T).Name} from {origin}: {e.Message}", origin, e);
        }
    }
}
