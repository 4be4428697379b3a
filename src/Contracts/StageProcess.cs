namespace SaePipeline.Contracts;

/// <summary>How a stage item's process is started and how its end is reported; shared by the tasks and the stage program.</summary>
public static class StageProcess
{
    /// <summary>
    /// glibc malloc settings for the stage process: a high mmap threshold and trim threshold keep glibc from returning
    /// and re-faulting the large tensor buffers of every SAE step, which costs up to 2× (src/Runtime/Allocator.cs).
    /// </summary>
    public const string GlibcTunables =
        "glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967296:glibc.malloc.top_pad=268435456";

    /// <summary>The one line every item's run ends with: <c>stage &lt;Target&gt; &lt;id&gt;: ran in &lt;s&gt; s</c>.</summary>
    public static string RanLine(string stage, string id, double seconds) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"stage {stage} {id}: ran in {seconds:F1} s");

    /// <summary>The line for an item the build skipped, printed by the stage targets (build/Stages.targets).</summary>
    public static string UpToDateLine(string stage, string id) => $"stage {stage} {id}: up to date";
}
