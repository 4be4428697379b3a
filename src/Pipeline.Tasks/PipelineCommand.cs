using System.Text.Json;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace SaePipeline.Tasks;

/// <summary>
/// Runs a pipeline-level command of the stage program: <c>plan</c> (validate pipeline.yaml, write spec files and
/// .plan/plan.json; the task then returns one item per stage item), <c>status</c>, <c>dag</c> or <c>prune</c>.
/// </summary>
public sealed class PipelineCommand : StagesTool
{
    [Required] public string Command { get; set; } = "";
    [Required] public string Pipeline { get; set; } = "";
    [Required] public string Artifacts { get; set; } = "";
    [Required] public string Notes { get; set; } = "";

    /// <summary>The raw -p:Set value: settings separated by ';' or spaces.</summary>
    public string Set { get; set; } = "";

    /// <summary>Extra flags for the command (e.g. --dot, --fail-if-stale, --dry-run).</summary>
    public string[] Flags { get; set; } = [];

    /// <summary>With Command=plan: one item per stage item, ItemSpec "Stage/Id", metadata Stage, Command, Name, Id,
    /// Spec, OutputDir, Manifest and Inputs (the files whose timestamps decide whether it runs).</summary>
    [Output] public ITaskItem[] Items { get; private set; } = [];

    protected override string GenerateCommandLineCommands()
    {
        var cl = new CommandLineBuilder();
        cl.AppendFileNameIfNotNull(StageProgram);
        cl.AppendSwitch(Command);
        cl.AppendSwitchIfNotNull("--pipeline ", Pipeline);
        cl.AppendSwitchIfNotNull("--artifacts ", Artifacts);
        cl.AppendSwitchIfNotNull("--notes ", Notes);
        cl.AppendSwitchIfNotNull("--stage-program ", StageProgram);
        if (!string.IsNullOrWhiteSpace(Set)) cl.AppendSwitchIfNotNull("--set ", Set);
        foreach (var (name, value) in SplitOffSettings()) cl.AppendSwitchIfNotNull("--msbuild-global ", $"{name}={value}");
        foreach (var flag in Flags) cl.AppendSwitch(flag);
        return cl.ToString();
    }

    /// <summary>
    /// Global properties other than our own: MSBuild turns `-p:Set="a.b=1;seed=7"` (its quotes eaten by the shell)
    /// into Set=a.b=1 plus a global property seed=7. The stage program keeps those named like top-level config keys.
    /// </summary>
    IEnumerable<(string, string)> SplitOffSettings()
    {
        if (BuildEngine is not IBuildEngine6 engine) yield break;
        var own = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "Set", "Pipeline", "Artifacts", "Notes", "Configuration", "Platform", "TorchBackend" };
        foreach (var kv in engine.GetGlobalProperties())
            if (!own.Contains(kv.Key) && !kv.Key.StartsWith("_", StringComparison.Ordinal)) yield return (kv.Key, kv.Value);
    }

    public override bool Execute()
    {
        if (!base.Execute()) return false;
        if (Command != "plan") return true;
        string planFile = Path.Combine(Artifacts, ".plan", "plan.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(planFile));
        Items = doc.RootElement.GetProperty("items").EnumerateArray().Select(ToItem).ToArray();
        return true;
    }

    static ITaskItem ToItem(JsonElement e)
    {
        string S(string key) => e.GetProperty(key).GetString() ?? "";
        var item = new TaskItem($"{S("stage")}/{S("id")}");
        item.SetMetadata("Stage", S("stage"));
        item.SetMetadata("Command", S("command"));
        item.SetMetadata("Name", S("name"));
        item.SetMetadata("Id", S("id"));
        item.SetMetadata("Spec", S("spec"));
        item.SetMetadata("OutputDir", S("output_dir"));
        item.SetMetadata("Manifest", S("manifest"));
        item.SetMetadata("Inputs", string.Join(";", e.GetProperty("inputs").EnumerateArray().Select(i => i.GetString())));
        return item;
    }
}
