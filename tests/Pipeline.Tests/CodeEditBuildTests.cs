using System.Text.Json.Nodes;

namespace SaePipeline.PipelineTests;

/// <summary>
/// An edit of the stages' code reruns exactly the stages whose assemblies it changed: in a copy of the repository,
/// a micro model pipeline is built, then the Reports code, the core evaluation's code and the SAE code are edited
/// in turn (and reverted), and each rebuild's summary lines say what ran.
/// </summary>
[Collection(BuildCollection.Name)]
public sealed class CodeEditBuildTests
{
    const string Yaml = """
        name: code-edits
        seed: 5
        model: builtin:micro
        activations:
          hook: blocks.1.hook_resid_post
          context: 64
          n_tokens: 16384
          n_heldout_tokens: 2048
          batch_rows: 16
        sae_defaults:
          d_sae: 64
          batch_size: 256
          training_tokens: 8192
          lr: 0.001
          lr_warmup_steps: 10
          sparsity_warmup_steps: 20
          shuffle_buffer_rows: 2048
        saes:
          - name: a
            l1_coefficient: 0.01
          - name: b
            l1_coefficient: 0.1
        evals:
          core: {batch_size_prompts: 4, n_eval_reconstruction_batches: 2, n_eval_sparsity_variance_batches: 3}
        """;

    static readonly string[] AllItems =
    [
        "CacheActivations/mixed", "CacheActivations/mixed-core", "EvaluateCore/a", "EvaluateCore/b", "PrepareModel/model", "Report/report",
        "TrainSae/a", "TrainSae/b",
    ];

    static void AssertRan(BuildResult build, params string[] expected)
    {
        Assert.True(build.ExitCode == 0, build.Output);
        Assert.Equal(expected.Order(), build.RanNames);
        Assert.Equal(AllItems.Length, build.Ran.Count + build.UpToDate.Count);
    }

    /// <summary>The assemblies whose bytes differ between two builds of the stage program.</summary>
    static string[] Changed(Dictionary<string, string> before, Dictionary<string, string> after) =>
        after.Keys.Where(k => !before.TryGetValue(k, out var h) || h != after[k]).Order().ToArray();

    static JsonNode CoreResult(Workspace w, string sae) =>
        JsonNode.Parse(File.ReadAllText(Directory.GetFiles(Path.Combine(w.Artifacts, "evals", "core"), $"code-edits_{sae}_eval_results.json", SearchOption.AllDirectories)
            .OrderBy(File.GetLastWriteTimeUtc).Last()))!;

    [Fact]
    public void AnEditRerunsOnlyTheStagesWhoseCodeChangedAndRevertingRunsNothing()
    {
        using var repo = RepoCopy.Create();
        using var w = new Workspace(Yaml, repo.Dir);
        AssertRan(w.Build(), AllItems);
        var built = repo.ProgramAssemblies();

        // The same sources in another folder give the same ids: an id names the code, not where it was built.
        using (var fromRepository = new Workspace(Yaml))
        {
            var status = fromRepository.Build("Status");
            Assert.True(status.ExitCode == 0, status.Output);
            foreach (var id in w.Build("Status").Output.Split('\n').Where(l => l.Contains(": up to date")).Select(l => l.Trim().Split(':')[0]))
                if (!id.StartsWith("Report ", StringComparison.Ordinal))   // the report's params name its pipeline file
                    Assert.Contains($"{id}: will run", status.Output);
        }

        // A string in the report's code: only the report runs again, and only the Reports assembly changed.
        repo.Edit("src/Reports/ReportStage.cs", "\"SAEs on language-model activations\"", "\"SAEs on a language model's activations\"");
        AssertRan(w.Build(), "Report/report");
        Assert.Contains("SAEs on a language model's activations", File.ReadAllText(Path.Combine(w.Report, "summary.md")));
        var afterReports = repo.ProgramAssemblies();
        Assert.Equal(["SaePipeline.Reports.dll"], Changed(built, afterReports));   // deterministic: the others are byte-identical

        // A constant in the core evaluation: only the core evaluations (and the report, which reads them).
        repo.Edit("src/Evals.Core/CoreJson.cs", "[\"verbose\"] = false,", "[\"verbose\"] = true,");
        var status2 = w.Build("Status");
        Assert.Matches(@"EvaluateCore a-[0-9a-f]{8}: will run: changed since a-[0-9a-f]{8}: code of EvaluateCore changed \(SaePipeline\.Evals\.Core\.dll\)", status2.Output);
        Assert.Matches(@"TrainSae a-[0-9a-f]{8}: up to date", status2.Output);
        AssertRan(w.Build(), "EvaluateCore/a", "EvaluateCore/b", "Report/report");
        Assert.True(CoreResult(w, "a")["eval_config"]!["verbose"]!.GetValue<bool>());
        Assert.Equal(["SaePipeline.Evals.Core.dll"], Changed(afterReports, repo.ProgramAssemblies()));

        // A comment changes no code: nothing runs.
        repo.Edit("src/Evals.Core/MiscMetrics.cs", "namespace SaePipeline.Evals.Core;", "// a note for whoever reads this next\nnamespace SaePipeline.Evals.Core;");
        AssertRan(w.Build());

        // Reverting every edit finds every earlier result, the report among them: nothing runs.
        repo.Revert();
        AssertRan(w.Build());
        Assert.Contains("SAEs on language-model activations", File.ReadAllText(Path.Combine(w.Report, "summary.md")));
        Assert.Empty(Changed(built, repo.ProgramAssemblies()));

        // The SAE code: training and what reads it run again, not the model or the activation caches.
        repo.Edit("src/Sae/TermTimes.cs", "public const int WarmupSteps = 10;", "public const int WarmupSteps = 11;");
        AssertRan(w.Build(), "TrainSae/a", "TrainSae/b", "EvaluateCore/a", "EvaluateCore/b", "Report/report");

        // Sensitivity to the whole program: every item has another id, so everything would run.
        var program = w.Build("Status", "-p:CodeSensitivity=program");
        Assert.Contains($"status: {AllItems.Length} of {AllItems.Length} items will run", program.Output);
    }
}
