using SaePipeline.Artifacts;
using SaePipeline.Cache;
using SaePipeline.Plan;
using SaePipeline.Runtime;

namespace SaePipeline;

/// <summary>
/// <c>-t:Push</c> and <c>-t:Pull</c>: explicit sync of the current plan's results with the shared cache, for results
/// built without <c>-p:Cache</c>, or to fill a laptop's artifacts before going offline. Builds with <c>-p:Cache</c>
/// fetch and publish item by item on their own. Only the plan's items are synced, never whatever else a folder holds.
/// </summary>
public static class CacheSync
{
    public static int Push(PipelinePlan plan, string root, string location)
    {
        using var cache = ResultCache.Open(location);
        int published = 0, present = 0, missing = 0, failed = 0;
        foreach (var item in plan.Items)
        {
            if (!Finished(item, root))
            {
                missing++;
                Console.WriteLine($"push: {item}: not built here");
                continue;
            }
            bool problem = false;
            bool stored = CachedResult.Publish(cache, item.OutputDir(root), replaceDamaged: false, warning =>
            {
                problem = true;
                Console.WriteLine(warning.Replace(": warning SAE6003: ", ": error SAE6003: ", StringComparison.Ordinal));
            });
            if (problem) failed++;
            else if (!stored) present++;
            else
            {
                published++;
                Console.WriteLine($"push: {item}: published");
            }
        }
        Console.WriteLine($"push: {published} published, {present} already in the cache, {missing} not built here (of {plan.Items.Count}) → {cache.Location}");
        return failed > 0 ? 1 : 0;
    }

    public static int Pull(PipelinePlan plan, string root, string location)
    {
        using var cache = ResultCache.Open(location);
        PlanWriter.Write(plan, root);   // the specs a build would write, and damaged results moved aside
        int fetched = 0, present = 0, missing = 0, unreachable = 0;
        foreach (var item in plan.Items)
        {
            if (Finished(item, root))
            {
                present++;
                continue;
            }
            // A build goes on without a cache it cannot read; a pull, which is nothing but reading it, fails.
            var fetch = CachedRun.Fetch(item.Kind, item.ToSpec(), root, cache, warning =>
            {
                bool cannotRead = warning.Contains(": warning SAE6002: ", StringComparison.Ordinal);
                if (cannotRead) unreachable++;
                Console.WriteLine(!cannotRead ? warning
                    : warning[..warning.LastIndexOf("; ", StringComparison.Ordinal)].Replace(": warning SAE6002: ", ": error SAE6002: ", StringComparison.Ordinal) + "; nothing more was pulled");
            });
            if (unreachable > 0) return 1;
            if (fetch.Manifest is not null) fetched++;
            else
            {
                missing++;
                Console.WriteLine($"pull: {item}: not in the cache");
            }
        }
        Console.WriteLine($"pull: {fetched} fetched, {present} already here, {missing} not in the cache (of {plan.Items.Count}) ← {cache.Location}");
        return 0;
    }

    /// <summary>A finished result of this very item: a manifest with its fingerprint, and its files all there.</summary>
    static bool Finished(PlanItem item, string root)
    {
        string manifest = item.ManifestPath(root);
        if (!File.Exists(manifest)) return false;
        try
        {
            var m = Json.ReadFile<Manifest>(manifest);
            return m.Fingerprint == item.Fingerprint && m.Damage(item.OutputDir(root)) is null;
        }
        catch (PipelineException)
        {
            return false;
        }
    }
}
