using System.Diagnostics;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using SaePipeline.Contracts;

namespace SaePipeline.Tasks;

/// <summary>
/// Runs one stage item (<c>dotnet stages.dll &lt;command&gt; &lt;spec&gt;</c>) and ends it with its summary line,
/// <c>stage &lt;Target&gt; &lt;id&gt;: ran in &lt;s&gt; s</c> (or <c>: failed after …</c>). Items that ran are returned in
/// <see cref="Ran"/> and appended to the artifacts' .build/ran.log, which Report turns into the notes.txt entry.
/// </summary>
public sealed class RunStage : StagesTool
{
    /// <summary>One item from PipelineCommand (metadata Stage, Verb, Name, Id, Spec).</summary>
    [Required] public ITaskItem Item { get; set; } = null!;

    /// <summary>The artifacts root: ran items are appended to its <see cref="ArtifactLayout.RanLog"/>.</summary>
    [Required] public string Artifacts { get; set; } = "";

    /// <summary>False for the stage that consumes ran.log (Report), so its own run is not left for the next report.</summary>
    public bool RecordRun { get; set; } = true;

    /// <summary>-p:Cache: the shared result cache (a folder or s3://bucket/prefix), or "" for none.</summary>
    public string Cache { get; set; } = "";

    [Output] public ITaskItem? Ran { get; private set; }

    /// <summary>The item, when its result was fetched from the cache instead of computed.</summary>
    [Output] public ITaskItem? FromCache { get; private set; }

    bool fetched;

    readonly Stopwatch clock = new();

    string Stage => Item.GetMetadata("Stage");
    string Id => Item.GetMetadata("Id");

    protected override string GenerateCommandLineCommands()
    {
        var cl = new CommandLineBuilder();
        cl.AppendFileNameIfNotNull(StageProgram);
        cl.AppendSwitch(Item.GetMetadata("Verb"));
        cl.AppendFileNameIfNotNull(Item.GetMetadata("Spec"));
        if (Cache.Length > 0) cl.AppendSwitchIfNotNull("--cache ", Cache);
        return cl.ToString();
    }

    protected override string Label(string line)
    {
        if (!StageProcess.IsFromCacheLine(Stage, Id, line)) return StageProcess.Label(Stage, Item.GetMetadata("Name"), line);
        fetched = true;
        return line;
    }

    public override bool Execute()
    {
        clock.Start();
        bool ok = base.Execute();
        double seconds = clock.Elapsed.TotalSeconds;
        if (!ok) return false;
        if (fetched)
        {
            FromCache = new TaskItem(Item.ItemSpec);
            return true;
        }
        Log.LogMessage(MessageImportance.High, StageProcess.RanLine(Stage, Id, seconds));
        if (RecordRun) StageProcess.RecordRan(Artifacts, Stage, Id, seconds);
        Ran = new TaskItem(Item.ItemSpec);
        return true;
    }

    protected override bool HandleTaskExecutionErrors()
    {
        Log.LogError($"stage {Stage} {Id}: failed after {clock.Elapsed.TotalSeconds:F1} s (exit code {ExitCode}); its result was not kept");
        return false;
    }
}
