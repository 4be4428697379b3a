using System.Text.Json.Nodes;

namespace SaePipeline.Reports;

/// <summary>What Report reads from its spec. Its inputs are <c>eval/&lt;sae&gt;</c> and <c>sae/&lt;sae&gt;</c> for each SAE.</summary>
public sealed record ReportParams
{
    public required string Experiment { get; init; }

    /// <summary>The pipeline file, as the user named it (shown in notes.txt).</summary>
    public required string PipelineFile { get; init; }

    /// <summary>notes.txt: the experiment log this build appends to; lives beside the pipeline file, outside artifacts.</summary>
    public required string NotesFile { get; init; }

    /// <summary>The -p:Set overrides of this build, shown in notes.txt so the entry says how to reproduce it.</summary>
    public required IReadOnlyList<string> Overrides { get; init; }

    /// <summary>SAE names, in pipeline.yaml order.</summary>
    public required IReadOnlyList<string> Saes { get; init; }

    /// <summary>The resolved config (overrides applied), kept so the next report can say what changed.</summary>
    public required JsonObject Config { get; init; }
}
