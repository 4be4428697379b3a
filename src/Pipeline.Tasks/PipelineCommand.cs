using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using SaePipeline.Contracts;

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

    /// <summary>What of the code an item's fingerprint covers: stage (default) or program.</summary>
    public string CodeSensitivity { get; set; } = "";

    /// <summary>Extra flags for the command (e.g. --dot, --fail-if-stale, --dry-run).</summary>
    public string[] Flags { get; set; } = [];

    /// <summary>-p:Wait: when another build holds the artifacts root, wait for it (default) or fail ("false").</summary>
    public string Wait { get; set; } = "";

    /// <summary>-p:Cache, for push and pull.</summary>
    public string Cache { get; set; } = "";

    volatile bool cancelled;

    /// <summary>With Command=plan: one item per stage item (<see cref="PlanEntry"/>), ItemSpec "Stage/Id", metadata Stage,
    /// Verb, Name, Id, Spec, OutputDir, Manifest and Inputs (the files whose timestamps decide whether it runs).</summary>
    [Output] public ITaskItem[] Items { get; private set; } = [];

    protected override string GenerateCommandLineCommands()
    {
        var cl = new CommandLineBuilder();
        cl.AppendFileNameIfNotNull(StageProgram);
        cl.AppendSwitch(Command);
        cl.AppendSwitchIfNotNull("--pipeline ", Pipeline);
        cl.AppendSwitchIfNotNull("--artifacts ", Artifacts);
        cl.AppendSwitchIfNotNull("--notes ", Notes);
        if (!string.IsNullOrWhiteSpace(Set)) cl.AppendSwitchIfNotNull("--set ", Set);
        if (!string.IsNullOrWhiteSpace(CodeSensitivity)) cl.AppendSwitchIfNotNull("--code-sensitivity ", CodeSensitivity);
        if (!string.IsNullOrWhiteSpace(Cache)) cl.AppendSwitchIfNotNull("--cache ", Cache);
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
        var own = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "Set", "Pipeline", "Artifacts", "Notes", "Configuration", "Platform", "TorchBackend", "CodeSensitivity", "Wait", "Jobs", "Devices", "Cache", "Executor" };
        foreach (var kv in engine.GetGlobalProperties())
            if (!own.Contains(kv.Key) && !kv.Key.StartsWith("_", StringComparison.Ordinal)) yield return (kv.Key, kv.Value);
    }

    public override bool Execute()
    {
        if (StaleTaskAssembly() is { } stale)
        {
            Log.LogError(stale);
            return false;
        }
        if (Command is "plan" or "prune" or "pull" && !HoldArtifactsLock()) return false;
        if (!base.Execute()) return false;
        if (Command != "plan") return true;
        Items = PlanFile.Read(ArtifactLayout.PlanFile(Artifacts)).Items.Select(ToItem).ToArray();
        return true;
    }

    /// <summary>
    /// The commands that write to the artifacts root take its lock (<see cref="ArtifactsLock"/>) for the rest of the
    /// build: MSBuild disposes an object registered with a Build lifetime when the build ends, which releases it, and
    /// the stage targets that run after the plan are covered. Later commands of the same build find it held already.
    /// </summary>
    bool HoldArtifactsLock()
    {
        string root = Path.GetFullPath(Artifacts);
        string key = $"{typeof(ArtifactsLock).FullName}:{root}";
        if (BuildEngine is not IBuildEngine4 engine) return true;
        if (engine.GetRegisteredTaskObject(key, RegisteredTaskObjectLifetime.Build) is not null) return true;
        bool wait = !string.Equals(Wait, "false", StringComparison.OrdinalIgnoreCase);
        var held = ArtifactsLock.Acquire(root, $"dotnet build of {Pipeline}", wait,
            message =>
            {
                if (wait) Log.LogMessage(MessageImportance.High, message);
                else Log.LogError(null, "SAE5002", null, Artifacts, 0, 0, 0, 0, message);
            },
            () => cancelled);
        if (held is null)
        {
            if (cancelled) Log.LogError($"{root}: stopped while waiting for the other build");
            return false;
        }
        engine.RegisterTaskObject(key, held, RegisteredTaskObjectLifetime.Build, allowEarlyCollection: false);
        return true;
    }

    public override void Cancel()
    {
        cancelled = true;
        base.Cancel();
    }

    /// <summary>
    /// This task runs inside MSBuild (every build runs it, and a task host process would cost ~0.35 s of each no-op),
    /// so a long-lived MSBuild process (a reused node, the MSBuild server) could still hold an older build of this
    /// assembly than the one the tools build just wrote. It compares its module version id with the file's and refuses
    /// to run stale, saying how to get a fresh process.
    /// </summary>
    static string? StaleTaskAssembly()
    {
        var loaded = typeof(PipelineCommand).Assembly;
        if (string.IsNullOrEmpty(loaded.Location) || !File.Exists(loaded.Location)) return null;
        using var stream = File.OpenRead(loaded.Location);
        using var pe = new System.Reflection.PortableExecutable.PEReader(stream);
        var reader = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(pe);
        var onDisk = reader.GetGuid(reader.GetModuleDefinition().Mvid);
        return onDisk == loaded.ManifestModule.ModuleVersionId ? null
            : $"{loaded.Location} was rebuilt after this MSBuild process loaded it; run the build again with -nodeReuse:false " +
              "(or `dotnet build-server shutdown` first) so the new tasks are used";
    }

    static ITaskItem ToItem(PlanEntry e)
    {
        var item = new TaskItem($"{e.Stage}/{e.Id}");
        item.SetMetadata("Stage", e.Stage);
        item.SetMetadata("Verb", e.Verb);
        item.SetMetadata("Name", e.Name);
        item.SetMetadata("Id", e.Id);
        item.SetMetadata("Spec", e.Spec);
        item.SetMetadata("OutputDir", e.OutputDir);
        item.SetMetadata("Manifest", e.Manifest);
        item.SetMetadata("Inputs", string.Join(";", e.Inputs));
        item.SetMetadata("Sbatch", string.Join("\t", e.Sbatch ?? []));
        return item;
    }
}
