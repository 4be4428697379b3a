using SaePipeline.Artifacts;
using SaePipeline.Runtime;

namespace SaePipeline.Plan;

/// <summary>Why an item will run on the next build, or null when it is up to date.</summary>
public sealed record ItemStatus(PlanItem Item, string? Reason)
{
    public bool WillRun => Reason is not null;
}

/// <summary>
/// Predicts what `dotnet build -t:Experiment` will run, by the rule the targets use (an item runs when its manifest is
/// missing or older than one of its inputs: spec file, upstream manifests), and explains each case in the config's and
/// the code's own words by comparing with the previous result of the same name: which keys changed, which inputs, and
/// which of the stage's assemblies (its code is in its id, so a code change makes an item that is not built yet).
/// </summary>
public static class Staleness
{
    public static IReadOnlyList<ItemStatus> Assess(PipelinePlan plan, string root)
    {
        var statuses = new Dictionary<PlanItem, ItemStatus>();
        foreach (var item in plan.Items)
            statuses[item] = new ItemStatus(item, Reason(item, root, statuses));
        return plan.Items.Select(i => statuses[i]).ToList();
    }

    static string? Reason(PlanItem item, string root, Dictionary<PlanItem, ItemStatus> known)
    {
        string manifestPath = item.ManifestPath(root);
        if (!File.Exists(manifestPath)) return NotBuilt(item, root);
        if (Damage(item, root) is { } damage) return damage;

        var upstreamRunning = item.Inputs.Values.Where(i => known[i].WillRun).Select(i => i.ToString()).ToList();
        if (upstreamRunning.Count > 0) return $"reads {string.Join(", ", upstreamRunning)}, which will run";

        var built = File.GetLastWriteTimeUtc(manifestPath);
        string spec = item.SpecPath(root);
        string specText = Json.Serialize(item.ToSpec());
        if (!File.Exists(spec) || File.ReadAllText(spec) != specText)
        {
            var previous = TryLoad(manifestPath);
            if (previous is null || previous.Fingerprint != item.Fingerprint)
                return Changes("inputs changed", previous, item);
        }
        else if (File.GetLastWriteTimeUtc(spec) > built) return "spec file is newer than the result";

        foreach (var input in item.Inputs.Values)
            if (File.GetLastWriteTimeUtc(input.ManifestPath(root)) > built) return $"{input} was rebuilt after this result";
        return null;
    }

    /// <summary>
    /// Why a finished result no longer counts as done although its manifest exists: a listed file is missing or has
    /// another size (see <see cref="Manifest.Damage"/>), or the manifest cannot be read. Null when it is intact.
    /// </summary>
    public static string? Damage(PlanItem item, string root)
    {
        string dir = item.OutputDir(root);
        if (!File.Exists(item.ManifestPath(root))) return null;
        var manifest = TryLoad(item.ManifestPath(root));
        if (manifest is null) return $"its {Manifest.FileName} cannot be read";
        return manifest.Damage(dir) is { } d ? $"its files no longer match its {Manifest.FileName} ({Path.GetRelativePath(dir, d.Path)} {d.Problem})" : null;
    }

    /// <summary>For a content-addressed item, the last result of the same name says what changed since.</summary>
    static string NotBuilt(PlanItem item, string root)
    {
        var previous = PreviousResults(item, root).FirstOrDefault();
        return previous is null ? "not built yet" : Changes($"changed since {previous.Id}", previous, item);
    }

    static string Changes(string head, Manifest? previous, PlanItem item)
    {
        if (previous is null) return head;
        var lines = new List<string>();
        if (previous.Code is { } code && code.Fingerprint != item.Code.Fingerprint)
            lines.Add($"code of {item.Kind.Target} changed ({string.Join(", ", item.Code.ChangesSince(code))})");
        lines.AddRange(ParamsDiff.Describe(previous.Params, item.Params));
        foreach (var (role, input) in item.Inputs)
        {
            var before = previous.Upstream.FirstOrDefault(u => u.Role == role.Name);
            if (before is null) lines.Add($"new input {role}: {input.Id}");
            else if (before.Fingerprint != input.Fingerprint) lines.Add($"{role}: {before.Id} → {input.Id}");
        }
        return lines.Count == 0 ? head : $"{head}: {string.Join("; ", lines.Take(6))}{(lines.Count > 6 ? $"; … {lines.Count - 6} more" : "")}";
    }

    /// <summary>Finished results of the same stage and name, newest first.</summary>
    public static IEnumerable<Manifest> PreviousResults(PlanItem item, string root)
    {
        string folder = Path.Combine(root, item.Kind.Folder);
        if (!Directory.Exists(folder)) return [];
        return Directory.EnumerateDirectories(folder, item.Name + "-*")
            .Where(d => Path.GetFileName(d).Length == item.Name.Length + 9)   // name-<8 hex>, not name-suffix-<8 hex>
            .Select(d => Path.Combine(d, Manifest.FileName))
            .Where(File.Exists)
            .OrderByDescending(File.GetLastWriteTimeUtc)
            .Select(TryLoad)
            .OfType<Manifest>();
    }

    static Manifest? TryLoad(string manifestPath)
    {
        try
        {
            return Json.ReadFile<Manifest>(manifestPath);
        }
        catch (PipelineException)
        {
            return null;
        }
    }
}
