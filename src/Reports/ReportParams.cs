using System.Text.Json.Nodes;

namespace SaePipeline.Reports;

/// <summary>What Report reads from its spec. Its inputs are <c>eval/&lt;sae&gt;</c> and <c>sae/&lt;sae&gt;</c> for each SAE.</summary>
public sealed record ReportParams
{
    public required string Experiment { get; init; }

    /// <summary>The pipeline file's name (summary.md shows it; where it lives is <see cref="ReportLocal"/>'s).</summary>
    public required string PipelineFile { get; init; }

    /// <summary>The -p:Set overrides of this build, shown in notes.txt so the entry says how to reproduce it.</summary>
    public required IReadOnlyList<string> Overrides { get; init; }

    /// <summary>SAE names, in pipeline.yaml order.</summary>
    public required IReadOnlyList<string> Saes { get; init; }

    /// <summary>The resolved config (overrides applied), kept so the next report can say what changed.</summary>
    public required JsonObject Config { get; init; }
}

/// <summary>
/// The report's local settings (the spec's <c>local</c>, outside its fingerprint): where this clone's pipeline file and
/// experiment log are. A report fetched from the shared cache was made in another clone, whose paths these are not.
/// </summary>
/// <param name="PipelineFile">The pipeline file, absolute (shown in notes.txt).</param>
/// <param name="NotesFile">notes.txt: the experiment log this build appends to; beside the pipeline file, outside artifacts.</param>
public sealed record ReportLocal(string PipelineFile, string NotesFile);
