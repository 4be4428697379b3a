using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace SaePipeline.Runtime;

/// <summary>One set of JSON conventions for specs, manifests and results: snake_case keys, enums as snake_case strings.</summary>
public static class Json
{
    public static readonly JsonSerializerOptions Options = Create(indented: true);

    static JsonSerializerOptions Create(bool indented)
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
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
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
