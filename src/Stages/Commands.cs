using SaePipeline.Artifacts;
using SaePipeline.Bench;
using SaePipeline.Config;
using SaePipeline.Evals.Causal;
using SaePipeline.Evals.Core;
using SaePipeline.Evals.ScrTpp;
using SaePipeline.Evals.SparseProbing;
using SaePipeline.Models;
using SaePipeline.Models.Tokenizers;
using SaePipeline.Plan;
using SaePipeline.Reports;
using SaePipeline.Runtime;

namespace SaePipeline;

/// <summary>The commands of the stage program.</summary>
public static class Commands
{
    /// <summary>The usage text; the stage commands come from <see cref="StageTable"/>.</summary>
    public static string Usage => $"""
        usage:
          stages <stage> <spec.json> [--cache <folder|s3://bucket/prefix> [--cache-only]]   run one stage item (fetch it from the cache, or compute and publish it); the stages:
        {string.Join("\n", StageTable.All.Select(k => $"    {k.Verb,-25} {k.Target}: {k.Summary}"))}
          stages plan   --pipeline <yaml> [options]                       validate, write specs and .plan/plan.json
          stages status --pipeline <yaml> [options] [--fail-if-stale]     what the next build would run, and why
          stages dag    --pipeline <yaml> [options] [--dot]               the stage graph
          stages prune  --pipeline <yaml> [options] [--dry-run]           delete results the plan no longer uses
          stages push   --pipeline <yaml> [options] --cache <folder|s3://…>   publish the plan's finished results to the shared cache
          stages pull   --pipeline <yaml> [options] --cache <folder|s3://…>   fetch the plan's results this artifacts root lacks
          stages msbuild-targets <file>     write the stage targets (build/Stages.targets) from the stage table
          stages bench  [sae] [--architecture A[,B...]|all] [--shape default|large] [--d-in N] [--d-sae N] [--batch N] [--k N] [--dtype float32|bfloat16|both] [--steps N] [--rounds N] [--device D]   SAE step vs raw matmul rate and vs its dense step
          stages bench  lm [--batch N] [--context N] [--layer L] [--rounds N] [--device D]   LM forward tokens/s, fp32 and bf16
          stages bench  core --model <folder> [--hook H] [--saes N] [--expansion E] [--architecture relu|topk] [--k N] [--reconstruction-batches N] [--sparsity-batches N] [--rounds N]   core eval: first SAE vs each additional SAE (shared-pass cache)
          stages bench  cache --model <folder> [--hook H] [--batch N] [--rows N] [--dtype float32|bfloat16] [--shape pythia-70m]   cache tokens/s vs the bare forward
          stages forward <model-folder> --input-ids <ids.npy> [--hook <name>]... --out <file.safetensors> [--dtype float32|bfloat16]
          stages tokenize <model-or-tokenizer-folder> --texts <in.json> --out <out.json>
        options:
          --artifacts <dir>   output root (default: artifacts/ beside the pipeline file)
          --notes <file>      experiment log (default: notes.txt beside the pipeline file)
          --set key=value     override a config value; repeatable; ';' or spaces separate several
          --code-sensitivity stage|program   what of the code an item's fingerprint covers (default: stage)
        """;

    static readonly HashSet<string> Flags = ["fail-if-stale", "dot", "dry-run", "cache-only"];

    public static int Run(string command, string[] args)
    {
        var cl = new CommandLine(args, Flags);
        switch (command)
        {
            case "plan": return PlanCommand(cl);
            case "status": return StatusCommand(cl);
            case "dag": return DagCommand(cl);
            case "prune": return PruneCommand(cl);
            case "push" or "pull": return SyncCommand(command, cl);
            case "bench": return cl.Positional switch
            {
                ["lm"] => LanguageModelBench.Run(cl),
                ["cache"] => CacheBench.Run(cl),
                ["core"] => CoreBench.Run(cl),
                _ => BenchCommand.Run(cl),
            };
            case "forward": return ForwardCommand.Run(cl);
            case "msbuild-targets": return StageTargets.WriteCommand(cl);
            case "tokenize": return TokenizeCommand.Run(cl);
        }
        var stage = StageTable.ByVerb(command)
                    ?? throw new PipelineException($"unknown command '{command}'; the commands are plan, status, dag, prune, bench, forward, tokenize, " +
                                                   $"msbuild-targets and the stages {string.Join(", ", StageTable.All.Select(k => k.Verb))} (stages --help)", "stages");
        if (cl.Positional.Count != 1) throw new PipelineException($"usage: stages {command} <spec.json> [--cache <folder|s3://bucket/prefix> [--cache-only]]", "stages");
        if (cl.Get("cache") is { Length: > 0 } cache) return CachedRun.Run(stage, cl.Positional[0], cache, cl.Flag("cache-only"));
        using var context = StageContext.Open(cl.Positional[0], stage.Target, stage.EntryAssembly);
        stage.Run(context);
        return 0;
    }

    static int SyncCommand(string command, CommandLine cl)
    {
        var o = Options(cl);
        string location = cl.Get("cache") is { Length: > 0 } c ? c
            : throw new PipelineException($"-t:{(command == "push" ? "Push" : "Pull")} needs the cache: -p:Cache=<folder> or -p:Cache=s3://bucket/prefix", "-p:Cache")
            {
                Code = Config.ConfigCodes.MissingRequired,
            };
        var plan = LoadPlan(o);
        return command == "push" ? CacheSync.Push(plan, o.ArtifactsRoot, location) : CacheSync.Pull(plan, o.ArtifactsRoot, location);
    }

    /// <summary>The options every planning command shares, with their defaults resolved.</summary>
    sealed record PipelineOptions(string PipelineFile, string ArtifactsRoot, string NotesFile, IReadOnlyList<string> Overrides, CodeSensitivity Code);

    static PipelineOptions Options(CommandLine cl)
    {
        string pipeline = Path.GetFullPath(cl.Get("pipeline") ?? "pipeline.yaml");
        string dir = Path.GetDirectoryName(pipeline)!;
        var overrides = cl.All("set").SelectMany(SplitSettings).ToList();
        overrides.AddRange(RecoverSplitSettings(cl.All("msbuild-global")));
        return new PipelineOptions(
            pipeline,
            Path.GetFullPath(cl.Get("artifacts") is { Length: > 0 } a ? a : Path.Combine(dir, "artifacts")),
            Path.GetFullPath(cl.Get("notes") is { Length: > 0 } n ? n : Path.Combine(dir, "notes.txt")),
            overrides,
            cl.Get("code-sensitivity") switch
            {
                null or "" or "stage" => CodeSensitivity.Stage,
                "program" => CodeSensitivity.Program,
                var other => throw new PipelineException($"CodeSensitivity must be 'stage' or 'program', got '{other}'", "-p:CodeSensitivity"),
            });
    }

    /// <summary>"a=1;b=2" or "a=1 b=2": MSBuild reserves ';' inside -p values, so spaces work too.</summary>
    static IEnumerable<string> SplitSettings(string raw) =>
        raw.Split([';', ' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>
    /// `-p:Set="saes.x.l1_coefficient=0.02;seed=7"` reaches MSBuild without its quotes, and MSBuild splits it at ';'
    /// into Set=... and a global property seed=7. The plan task passes every global property along; those named like a
    /// top-level config key are taken as settings.
    /// </summary>
    static IEnumerable<string> RecoverSplitSettings(IReadOnlyList<string> globals)
    {
        var topLevel = typeof(PipelineConfig).GetProperties().Select(ConfigBinder.KeyName).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var g in globals)
        {
            int eq = g.IndexOf('=');
            if (eq <= 0 || !topLevel.TryGetValue(g[..eq], out var key)) continue;
            Console.WriteLine($"note: taking '{g}' as a setting: MSBuild split it off -p:Set at ';'");
            yield return $"{key}={g[(eq + 1)..]}";
        }
    }

    static PipelinePlan LoadPlan(PipelineOptions o)
    {
        var loaded = PipelineConfigLoader.Load(o.PipelineFile, o.Overrides);
        foreach (var warning in loaded.Warnings) Console.WriteLine(warning);
        return PipelinePlanner.Build(loaded, o.NotesFile, o.Code);
    }

    static int PlanCommand(CommandLine cl)
    {
        var o = Options(cl);
        var plan = LoadPlan(o);
        string path = PlanWriter.Write(plan, o.ArtifactsRoot, moved => Console.WriteLine($"plan: {moved}"));
        if (o.Overrides.Count > 0) Console.WriteLine($"overrides: {string.Join(", ", o.Overrides)}");
        Console.WriteLine($"plan: {plan.Items.Count} items from {o.PipelineFile} → {path}");
        return 0;
    }

    static int StatusCommand(CommandLine cl)
    {
        var o = Options(cl);
        var plan = LoadPlan(o);
        var statuses = Staleness.Assess(plan, o.ArtifactsRoot);
        foreach (var s in statuses)
            Console.WriteLine($"{s.Item}: {(s.WillRun ? "will run: " + s.Reason : "up to date")}");
        int stale = statuses.Count(s => s.WillRun);
        Console.WriteLine(stale == 0
            ? $"status: all {statuses.Count} items up to date"
            : $"status: {stale} of {statuses.Count} items will run");
        return stale > 0 && cl.Flag("fail-if-stale") ? 1 : 0;
    }

    static int DagCommand(CommandLine cl)
    {
        var o = Options(cl);
        var plan = LoadPlan(o);
        Console.Write(cl.Flag("dot") ? DagPrinter.Dot(plan) : DagPrinter.Text(plan, Staleness.Assess(plan, o.ArtifactsRoot)));
        return 0;
    }

    static int PruneCommand(CommandLine cl)
    {
        var o = Options(cl);
        var plan = LoadPlan(o);
        bool dry = cl.Flag("dry-run");
        var removed = Prune.Run(plan, o.ArtifactsRoot, dry);
        foreach (var (path, bytes) in removed)
            Console.WriteLine($"{(dry ? "would remove" : "removed")} {Path.GetRelativePath(o.ArtifactsRoot, path)} ({bytes / 1e6:F1} MB)");
        Console.WriteLine($"prune: {removed.Count} entries, {removed.Sum(r => r.Bytes) / 1e6:F1} MB{(dry ? " (dry run)" : "")}");
        return 0;
    }
}
