using System.Text.RegularExpressions;
using SaePipeline.Artifacts;
using SaePipeline.Contracts;

namespace SaePipeline.Plan;

/// <summary>
/// Removes results the current plan no longer references (older versions of changed items, leftovers of killed
/// runs), their spec files and their unfinished training checkpoints. Only folders named like ours (<c>name-&lt;8 hex&gt;</c>, or its .tmp/.old/.damaged siblings)
/// inside the stage folders are touched.
/// </summary>
public static partial class Prune
{
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_-]*-[0-9a-f]{8}(\.(tmp|old|damaged)-\d+-[0-9a-f]{8})?$")]
    private static partial Regex ItemFolder();

    [GeneratedRegex(@"^\.old-\d+-[0-9a-f]{8}$")]
    private static partial Regex MovedAside();

    public static IReadOnlyList<(string Path, long Bytes)> Run(PipelinePlan plan, string root, bool dryRun)
    {
        var keep = new HashSet<string>(plan.Items.SelectMany(i => new[] { i.OutputDir(root), i.SpecPath(root) }).Select(Path.GetFullPath));
        var removed = new List<(string, long)>();
        foreach (var kind in plan.Items.Select(i => i.Kind).Distinct())
        {
            string folder = Path.Combine(root, kind.Folder);
            if (Directory.Exists(folder))
                foreach (var dir in Directory.EnumerateDirectories(folder))
                    if (ItemFolder().IsMatch(Path.GetFileName(dir)) && !keep.Contains(Path.GetFullPath(dir)))
                        removed.Add((dir, Remove(dir, dryRun)));
            // A report an older version wrote in place of the experiment's link was moved aside when the link was made.
            if (kind.LinksCurrent && Directory.Exists(folder))
                foreach (var item in plan.Items.Where(i => i.Kind == kind))
                    foreach (var dir in Directory.EnumerateDirectories(folder, $"{item.Name}.old-*"))
                        if (MovedAside().IsMatch(Path.GetFileName(dir)[item.Name.Length..]))
                            removed.Add((dir, Remove(dir, dryRun)));
            // A training checkpoint is needed only by a current item that has not finished: one of an item the plan no
            // longer has can never be resumed, and one left by a kill between commit and clean-up is spent.
            string checkpoints = ArtifactLayout.CheckpointsOf(root, kind.Target);
            if (Directory.Exists(checkpoints))
                foreach (var dir in Directory.EnumerateDirectories(checkpoints))
                {
                    var item = plan.Items.FirstOrDefault(i => i.Kind == kind && i.Id == Path.GetFileName(dir));
                    bool spent = item is not null && File.Exists(Path.Combine(item.OutputDir(root), Manifest.FileName));
                    if (ItemFolder().IsMatch(Path.GetFileName(dir)) && (item is null || spent))
                        removed.Add((dir, Remove(dir, dryRun)));
                }
            string specs = ArtifactLayout.SpecFolder(root, kind.Target);
            if (Directory.Exists(specs))
                foreach (var spec in Directory.EnumerateFiles(specs, "*.json"))
                    if (!keep.Contains(Path.GetFullPath(spec)))
                        removed.Add((spec, Remove(spec, dryRun)));
        }
        return removed;
    }

    static long Remove(string path, bool dryRun)
    {
        long bytes = File.Exists(path)
            ? new FileInfo(path).Length
            : Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        if (!dryRun)
        {
            if (File.Exists(path)) File.Delete(path);
            else Directory.Delete(path, recursive: true);
        }
        return bytes;
    }
}
