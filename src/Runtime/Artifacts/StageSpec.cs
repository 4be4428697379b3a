using System.Text.Json.Nodes;
using SaePipeline.Runtime;

namespace SaePipeline.Artifacts;

/// <summary>
/// A spec file (<c>artifacts/.specs/&lt;Stage&gt;/&lt;id&gt;.json</c>): everything one stage item needs, nothing else.
/// Paths are relative to the artifacts root (the folder two levels above the spec), so moving the root changes nothing.
/// </summary>
public sealed record StageSpec
{
    public int Format { get; init; } = 2;
    public required string Stage { get; init; }
    public required string Name { get; init; }
    public required string Id { get; init; }

    /// <summary>sha256 over the stage, its params, its code and its upstream fingerprints (a Merkle chain).</summary>
    public required string Fingerprint { get; init; }

    /// <summary>The code the item is made by; the stage checks it is that code before it starts.</summary>
    public required CodeIdentity Code { get; init; }

    /// <summary>The artifact folder this item writes, relative to the artifacts root.</summary>
    public required string Output { get; init; }

    /// <summary>Upstream items by role (e.g. "activations", "sae").</summary>
    public required IReadOnlyDictionary<string, SpecInput> Inputs { get; init; }

    public required JsonObject Params { get; init; }

    /// <summary>
    /// Where this clone keeps things outside the artifacts root (the report's notes.txt): says where, not what, so it
    /// is not part of the fingerprint, and a result fetched from the shared cache into another clone is the same result.
    /// Null for stages that need nothing of the kind.
    /// </summary>
    public JsonObject? Local { get; init; }

    public static (StageSpec Spec, string ArtifactsRoot) Load(string specPath)
    {
        var full = Path.GetFullPath(specPath);
        var spec = Json.ReadFile<StageSpec>(full);
        string root = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(full)!, "..", ".."));
        return (spec, root);
    }

    public T ReadParams<T>() => Json.Deserialize<T>(Params, $"params of {Stage} {Id}");

    public T ReadLocal<T>() => Json.Deserialize<T>(Local ?? throw new PipelineException($"the spec of {Stage} {Id} has no local settings; run the build again", Id),
                                                   $"local settings of {Stage} {Id}");
}

/// <summary>An upstream item as a spec sees it: where its folder is and what it was when this spec was planned.</summary>
public sealed record SpecInput(string Stage, string Id, string Fingerprint, string Output);
