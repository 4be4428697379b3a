using System.Text.Json.Nodes;
using SaePipeline.Artifacts;
using SaePipeline.Runtime;

namespace SaePipeline.Plan;

/// <summary>One stage item as the MSBuild targets see it: absolute paths, and the files whose timestamps decide.</summary>
public sealed record BuildItem(string Stage, string Command, string Name, string Id, string Spec, string OutputDir,
                               string Manifest, IReadOnlyList<string> Inputs);

/// <summary>Writes the spec files and <c>.plan/plan.json</c>, the list of items the MSBuild plan task turns into items.</summary>
public static class PlanWriter
{
    public static string Write(PipelinePlan plan, string root, string stageProgram)
    {
        var items = new List<BuildItem>();
        foreach (var item in plan.Items)
        {
            string spec = item.SpecPath(root), manifest = item.ManifestPath(root);
            if (AtomicFile.WriteIfChanged(spec, Json.Serialize(item.ToSpec())))
                KeepUpToDateResultUpToDate(spec, manifest, item.Fingerprint);
            items.Add(new BuildItem(item.Kind.Target, item.Kind.Command, item.Name, item.Id, spec, item.OutputDir(root), manifest,
                [spec, .. item.Inputs.Values.Select(i => i.ManifestPath(root)).Distinct(), stageProgram]));
        }
        string path = Path.Combine(root, ".plan", "plan.json");
        AtomicFile.WriteAllText(path, Json.Serialize(new { Items = items }));
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
