namespace SaePipeline.Contracts;

/// <summary>How a stage item's process is started and how its end is reported; shared by the tasks and the stage program.</summary>
public static class StageProcess
{
    /// <summary>
    /// glibc malloc settings for the stage process: the highest mmap threshold (32 MiB), a high trim threshold and top
    /// pad keep glibc from returning and re-faulting the tensor buffers of every SAE step, which costs up to 2×
    /// (src/Runtime/Allocator.cs). mmap_max=0 does the same for buffers above 32 MiB, which glibc otherwise always maps
    /// and unmaps: at d_sae 16384 and B 4096 a [B, d_sae] tensor is 268 MB, and faulting such tensors in halved a dense
    /// step's speed (`stages bench --shape large`: relu 4.5 s → 2.3 s per step). glibc still maps memory where the heap
    /// cannot grow or for other threads' arenas, so nothing fails; the process keeps its peak heap until it exits.
    /// </summary>
    public const string GlibcTunables =
        "glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967296:glibc.malloc.top_pad=268435456:glibc.malloc.mmap_max=0";

    /// <summary>The one line every item's run ends with: <c>stage &lt;Target&gt; &lt;id&gt;: ran in &lt;s&gt; s</c>.</summary>
    public static string RanLine(string stage, string id, double seconds) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"stage {stage} {id}: ran in {seconds:F1} s");

    /// <summary>
    /// Appends an item that ran to the artifacts' <see cref="ArtifactLayout.RanLog"/>, which the Report stage turns into
    /// the notes.txt entry.
    /// </summary>
    public static void RecordRan(string artifacts, string stage, string id, double seconds)
    {
        string ranLog = ArtifactLayout.RanLog(artifacts);
        Directory.CreateDirectory(Path.GetDirectoryName(ranLog)!);
        File.AppendAllText(ranLog, FormattableString.Invariant($"{stage} {id} ({seconds:F1} s)\n"));
    }

    /// <summary>A line of an item's output as the build shows it: prefixed with its stage and name unless it says them.</summary>
    public static string Label(string stage, string name, string line) =>
        line.StartsWith(stage + " ", StringComparison.Ordinal) ? line : $"{stage} {name}: {line}";

    /// <summary>
    /// The line an item's process ends with when it fetched the item's result from the shared cache (-p:Cache) instead
    /// of computing it: <c>stage &lt;Target&gt; &lt;id&gt;: from cache (…)</c>. The tasks count such an item as fetched,
    /// not as ran: it is not in ran.log, so the report does not list it as computed by this build.
    /// </summary>
    public static string FromCacheLine(string stage, string id, string detail) => $"stage {stage} {id}: from cache ({detail})";

    public static bool IsFromCacheLine(string stage, string id, string line) =>
        line.StartsWith($"stage {stage} {id}: from cache", StringComparison.Ordinal);

    /// <summary>The exit code of <c>stages &lt;verb&gt; &lt;spec&gt; --cache … --cache-only</c> when the cache has no usable entry.</summary>
    public const int NotInCacheExitCode = 3;

    /// <summary>The line for an item the build skipped, printed by the stage targets (build/Stages.targets).</summary>
    public static string UpToDateLine(string stage, string id) => $"stage {stage} {id}: up to date";
}
