namespace SaePipeline.Contracts;

/// <summary>
/// The order in which <c>-p:Jobs=N</c> may run stage items: an item is ready once every item it reads (an upstream
/// manifest among its inputs) has finished, whatever their stages, so a sweep's evaluations start while other SAEs
/// still train. When an item is ready it is skipped if it is up to date by the stage targets' own rule (its manifest
/// exists and no input is newer), which is what a serial build would decide at that point too.
/// </summary>
public sealed class ItemSchedule
{
    readonly IReadOnlyList<PlanEntry> items;
    readonly Dictionary<PlanEntry, List<PlanEntry>> reads = [];
    readonly HashSet<PlanEntry> finished = [], started = [], failed = [], blocked = [];

    public ItemSchedule(IReadOnlyList<PlanEntry> items)
    {
        this.items = items;
        var byManifest = items.ToDictionary(i => Path.GetFullPath(i.Manifest));
        foreach (var item in items)
            reads[item] = item.Inputs.Select(Path.GetFullPath).Where(byManifest.ContainsKey).Select(m => byManifest[m]).Distinct().ToList();
    }

    /// <summary>The items that may start now, in plan order (every item after what it reads).</summary>
    public IEnumerable<PlanEntry> Ready() =>
        items.Where(i => !started.Contains(i) && !blocked.Contains(i) && reads[i].All(finished.Contains));

    /// <summary>Items that will not run because something they read (directly or not) failed.</summary>
    public IReadOnlyCollection<PlanEntry> Blocked => blocked;

    /// <summary>Nothing is left to start or to wait for.</summary>
    public bool Done => items.All(i => finished.Contains(i) || failed.Contains(i) || blocked.Contains(i));

    public void Start(PlanEntry item) => started.Add(item);

    public void Finish(PlanEntry item, bool ok)
    {
        if (ok)
        {
            finished.Add(item);
            return;
        }
        failed.Add(item);
        // Plan order puts readers after what they read, so one pass finds every transitive reader.
        foreach (var reader in items)
            if (!started.Contains(reader) && reads[reader].Any(r => failed.Contains(r) || blocked.Contains(r))) blocked.Add(reader);
    }

    /// <summary>MSBuild's Inputs/Outputs rule for one item: its manifest exists and none of its inputs is newer.</summary>
    public static bool UpToDate(PlanEntry item)
    {
        if (!File.Exists(item.Manifest)) return false;
        var built = File.GetLastWriteTimeUtc(item.Manifest);
        return item.Inputs.All(i => File.Exists(i) && File.GetLastWriteTimeUtc(i) <= built);
    }
}
