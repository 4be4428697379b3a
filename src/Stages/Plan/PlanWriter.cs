using System.Text.Json.Nodes;
using SaePipeline.Artifacts;
using SaePipeline.Contracts;
using SaePipeline.Runtime;

namespace SaePipeline.Plan;

/// <summary>Writes the spec files and <c>.plan/plan.json</c>, the list of items the MSBuild plan task turns into items.</summary>
public static class PlanWriter
{
    /// <param name="report">Told of each finished result that was moved aside because its files no longer match its manifest.</param>
    public static string Write(PipelinePlan plan, string root, Action<string>? report = null)
    {
        var entries = new List<PlanEntry>();
        foreach (var item in plan.Items)
        {
            string spec = item.SpecPath(root), manifest = item.ManifestPath(root);
            if (MoveAsideIfDamaged(item, root) is { } moved) report?.Invoke(moved);
            if (AtomicFile.WriteIfChanged(spec, Json.Serialize(item.ToSpec())))
                KeepUpToDateResultUpToDate(spec, manifest, item.Fingerprint);
            // An item's code is in its fingerprint, hence in its id: the stage program is not an input of any target.
            entries.Add(new PlanEntry(item.Kind.Target, item.Kind.Verb, item.Name, item.Id, spec, item.OutputDir(root), manifest,
                [spec, .. item.Inputs.Values.Select(i => i.ManifestPath(root)).Distinct()],
                plan.Config.Config.Slurm?.For(item.Kind.Target).SbatchArguments().ToList() ?? []));
            if (item.Kind.LinksCurrent && File.Exists(manifest))
                CurrentLink.Point(CurrentLink.PathOf(item.OutputDir(root), item.Name), item.OutputDir(root));
        }
        string path = ArtifactLayout.PlanFile(root);
        AtomicFile.WriteAllText(path, new PlanFile(entries).ToJson());
        return path;
    }

    /// <summary>
    /// A finished result whose files no longer match its manifest (one deleted, or truncated) is stale: the folder is
    /// renamed to a <c>.damaged-</c> sibling, which the targets see as no result and Prune removes, so this build reruns
    /// the item. Nothing is deleted before then: whoever damaged it may want to look. Returns the line to show, or null.
    /// </summary>
    static string? MoveAsideIfDamaged(PlanItem item, string root)
    {
        string dir = item.OutputDir(root);
        if (Staleness.Damage(item, root) is not { } damage) return null;
        string aside = $"{dir.TrimEnd(Path.DirectorySeparatorChar)}.damaged-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";
        Directory.Move(dir, aside);
        return $"{item}: {damage}; moved the result aside to {Path.GetRelativePath(root, aside)}, so it runs again";
    }

    /// <summary>
    /// A spec written anew (its file was deleted, say) whose fingerprint equals that of the finished result must not
    /// make the result look stale: give it the manifest's timestamp, so "input newer than output" stays false.
    /// </summary>
    static void KeepUpToDateResultUpToDate(string spec, string manifest, string fingerprint)
    {
        if (!File.Exists(manifest)) return;
        try
        {
            var recorded = JsonNode.Parse(File.ReadAllText(manifest))?["fingerprint"]?.GetValue<string>();
            if (recorded == fingerprint) File.SetLastWriteTimeUtc(spec, File.GetLastWriteTimeUtc(manifest));
        }
        catch (System.Text.Json.JsonException)
        {
            // An unreadable manifest: leave the spec newer, so the item reruns and rewrites it.
        }
    }
}
