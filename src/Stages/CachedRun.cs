using System.Globalization;
using SaePipeline.Artifacts;
using SaePipeline.Cache;
using SaePipeline.Contracts;
using SaePipeline.Runtime;

namespace SaePipeline;

/// <summary>
/// One stage item run with the shared result cache (<c>stages &lt;verb&gt; &lt;spec&gt; --cache &lt;folder|s3://…&gt;</c>):
/// fetch the result when the cache holds a valid entry for the item's fingerprint, else compute it and publish it.
/// It happens in the item's own process, wherever that runs (here, or on a cluster node), so a node publishes what it
/// computed without the build's help. With <c>--cache-only</c> a miss computes nothing and exits with
/// <see cref="StageProcess.NotInCacheExitCode"/>: the Slurm executor asks that before it queues a job.
/// </summary>
public static class CachedRun
{
    public static int Run(StageKind stage, string specPath, string location, bool cacheOnly)
    {
        var (spec, root) = StageSpec.Load(specPath);
        using var cache = ResultCache.Open(location);
        var fetch = Fetch(stage, spec, root, cache, Console.WriteLine);
        if (fetch.Manifest is not null) return 0;
        if (cacheOnly) return StageProcess.NotInCacheExitCode;

        using (var context = StageContext.Open(specPath, stage.Target, stage.EntryAssembly))
            stage.Run(context);
        if (CachedResult.Publish(cache, Path.Combine(root, spec.Output), replaceDamaged: fetch.Damaged, Console.WriteLine))
            Console.WriteLine($"{spec.Stage} {spec.Id}: published to {cache.Describe(ResultCache.Key(spec.Stage, spec.Id, spec.Fingerprint))}");
        return 0;
    }

    /// <summary>Fetches one item's result when the cache has it, and says so in the item's "from cache" line.</summary>
    public static CachedResult.Fetch Fetch(StageKind stage, StageSpec spec, string root, ResultCache cache, Action<string> warn)
    {
        var fetch = CachedResult.TryFetch(cache, spec, root, warn);
        if (fetch.Manifest is not { } manifest) return fetch;
        string finalDir = Path.Combine(root, spec.Output);
        // The report's stable name follows its newest result, however it arrived (StageKind.LinksCurrent).
        if (stage.LinksCurrent) CurrentLink.Point(CurrentLink.PathOf(finalDir, spec.Name), finalDir);
        Console.WriteLine(StageProcess.FromCacheLine(spec.Stage, spec.Id, string.Create(CultureInfo.InvariantCulture,
            $"{manifest.Files.Count} file{(manifest.Files.Count == 1 ? "" : "s")}, {Size(fetch.Bytes)} checked in {fetch.Elapsed.TotalSeconds:F1} s; made in {manifest.Seconds:F1} s")));
        return fetch;
    }

    static string Size(long bytes) => bytes >= 1_000_000 ? $"{bytes / 1e6:F1} MB" : $"{bytes / 1e3:F1} kB";
}
