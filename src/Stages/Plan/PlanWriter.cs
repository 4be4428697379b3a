using System.Text.Json.Nodes;
using SaePipeline.Artifacts;
using SaePipeline.Contracts;
using SaePipeline.Runtime;

namespace SaePipeline.Plan;

/// <summary>Writes the spec files and <c>.plan/plan.json</c>, the list of items the MSBuild plan task turns into items.</summary>
public static class PlanWriter
{
    public static string Write(PipelinePlan plan, string root)
    {
        var entries = new List<PlanEntry>();
        foreach (var item in plan.Items)
        {
            string spec = item.SpecPath(root), manifest = item.ManifestPath(root);
            if (AtomicFile.WriteIfChanged(spec, Json.Serialize(item.ToSpec())))
                KeepUpToDateResultUpToDate(spec, manifest, item.Fingerprint);
            // An item's code is in its fingerprint, hence in its id: the stage program is not an input of any target.
            entries.Add(new PlanEntry(item.Kind.Target, item.Kind.Verb, item.Name, item.Id, spec, item.OutputDir(root), manifest,
                [spec, .. item.Inputs.Values.Select(i => i.ManifestPath(root)).Distinct()]));
            if (item.Kind.LinksCurrent && File.Exists(manifest))
                CurrentLink.Point(CurrentLink.PathOf(item.OutputDir(root), item.Name), item.OutputDir(root));
        }
        string path = ArtifactLayout.PlanFile(root);
        AtomicFile.WriteAllText(path, new PlanFile(entries).ToJson());
        return path;
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
