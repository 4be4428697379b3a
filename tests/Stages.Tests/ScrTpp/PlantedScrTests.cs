using System.Text.Json.Nodes;
using SaePipeline.Config;
using SaePipeline.Data;
using SaePipeline.Data.ProbeSets;
using SaePipeline.Evals.ScrTpp;
using SaePipeline.Probes;
using SaePipeline.Runtime;

namespace SaePipeline.Tests.ScrTpp;

/// <summary>
/// SCR end to end on activations with a known answer: each text's tokens carry its gender along e0 (±2) and its
/// profession along e1 (±1), with noise on those two dimensions (the other 62 are empty). The biased probe (male
/// professors against female nurses) weighs both about equally, so gender, the larger signal, decides its answer and
/// on profession data it is at chance. An SAE with latents on ±e0
/// lets SCR ablate exactly the gender direction, after which the biased probe reads profession: dir1 near 1. An SAE
/// of random directions has no such latents: SCR stays near 0. The data go through the real cache reader, pooling,
/// probe training, latent sums, node effects, closed-form ablation and scores; then SAEBench's JSON is checked.
/// </summary>
public sealed class PlantedScrTests
{
    const int D = 64, F = 128;
    static readonly ConceptColumns Bios = ConceptColumns.BiasInBios;

    /// <summary>Professors (21) and nurses (13), <paramref name="perQuadrant"/> of each gender each, interleaved.</summary>
    static TextTable Table(int perQuadrant) =>
        PlantedWorld.Table(Enumerable.Range(0, perQuadrant).SelectMany(_ => new[] { ("21", "0"), ("13", "1"), ("21", "1"), ("13", "0") }));

    static (IReadOnlyList<long> Seeds, Dictionary<long, List<ScrRunResult>> Results, ProbeTaskInputs Inputs) Evaluate(bool planted, TempDir dir)
    {
        var train = Table(400);
        var test = Table(100);
        var pair = ScrSets.Build(Bios, train, test, Bios.FindTarget("professor")!, Bios.FindTarget("nurse")!, 160, 40);
        var sets = new ProbeSetFile
        {
            Task = ProbeSelection.Scr, Dataset = "bios", JsonName = "LabHC/bias_in_bios_class_set1", Kind = "bias_in_bios",
            TrainPerGroup = 160, TestPerGroup = 40, Pairs = [pair],
        };
        var parameters = new TrainProbesParams
        {
            Task = ProbeSelection.Scr, Dataset = "bios", Seeds = [1, 2],
            Settings = new ProbeSettings { TrainSetSize = 640, TestSetSize = 160, Epochs = 40, EarlyStoppingPatience = 40, Lr = 0.01 },
        };
        using var sae = PlantedWorld.Sae(D, F, 11, planted ? [(0, 1f), (0, -1f), (1, 1f), (1, -1f)] : []);
        var inputs = PlantedWorld.Inputs(dir, D, sets, parameters, sae, (split, rows) =>
        {
            var table = split == DatasetSource.Train ? train : test;
            return PlantedWorld.Texts(rows, split == DatasetSource.Train ? 1 : 2, noise: 0.5, (row, noise) =>
            {
                var x = new float[D];
                x[0] = (table.Label("gender").Values[row] == "0" ? 2 : -2) + noise();
                x[1] = (table.Label("profession").Values[row] == "21" ? 1 : -1) + noise();
                return x;
            });
        });
        return (parameters.Seeds, ScrEvaluation.Run(inputs, [2, 5]), inputs);
    }

    [Fact]
    public void AblatingAPlantedGenderDirectionRemovesTheSpuriousCorrelation()
    {
        using var dir = new TempDir();
        var (seeds, results, _) = Evaluate(planted: true, dir);
        var runs = seeds.Select(seed => Assert.Single(results[seed])).ToList();
        string all = string.Join("\n", runs.Select(r => r.Accuracies.ToJsonString()));
        foreach (var run in runs)
        {
            // The biased probe leans on gender: near chance on profession data, near perfect on gender data, so SCR
            // reports direction 1; ablating the two gender latents closes most of the gap to the profession probe.
            Assert.True(run.Accuracies["dir1"]!["baseline_accuracy"]!.GetValue<double>() < 0.6, all);
            Assert.Equal(1, run.Accuracies["metric_direction"]!.GetValue<int>());
            Assert.True(run.Metrics["scr_dir1_threshold_2"] > 0.8, all);
            Assert.Equal(run.Metrics["scr_dir1_threshold_2"], run.Metrics["scr_metric_threshold_2"]);
        }
    }

    [Fact]
    public void ARandomSaeLeavesTheSpuriousCorrelationInPlace()
    {
        using var dir = new TempDir();
        var (seeds, results, _) = Evaluate(planted: false, dir);
        var runs = seeds.Select(seed => Assert.Single(results[seed])).ToList();
        string all = string.Join("\n", runs.Select(r => string.Join(", ", r.Metrics)));
        foreach (var run in runs)
        {
            Assert.True(Math.Abs(run.Metrics["scr_dir1_threshold_2"]) < 0.1, all);
            Assert.True(Math.Abs(run.Metrics["scr_metric_threshold_2"]) < 0.1, all);
        }
    }

    [Fact]
    public void JsonHasSaeBenchsKeysWithNullForNNotRun()
    {
        using var dir = new TempDir();
        var (seeds, results, inputs) = Evaluate(planted: true, dir);
        var (metrics, details, unstructured, _) = ScrTppJson.Scr(seeds, seeds.Select(s => results[s]).ToList(), [inputs], paddingLeak: true);

        // SAEBench's ScrMetrics: dir1, metric, dir2 for each of its seven N, in that order (docs/saebench.md §4.3).
        string[] expectedKeys = new[] { 2, 5, 10, 20, 50, 100, 500 }
            .SelectMany(n => new[] { $"scr_dir1_threshold_{n}", $"scr_metric_threshold_{n}", $"scr_dir2_threshold_{n}" }).ToArray();
        var scr = metrics["scr_metrics"]!.AsObject();
        Assert.Equal(["scr_metrics"], metrics.Select(kv => kv.Key));
        Assert.Equal(expectedKeys, scr.Select(kv => kv.Key));
        foreach (var (key, value) in scr)
            Assert.True(key.EndsWith("_2") || key.EndsWith("_5") ? value is not null : value is null, $"{key} = {value?.ToJsonString() ?? "null"}");
        // The SAEBench keys are the first seed's run, and the per-seed summary agrees with it.
        Assert.Equal(results[seeds[0]][0].Metrics["scr_dir1_threshold_2"], scr["scr_dir1_threshold_2"]!.GetValue<double>());
        Assert.Equal(scr["scr_dir1_threshold_2"]!.GetValue<double>(), unstructured["seeds"]!["per_seed"]!["1"]!["scr_dir1_threshold_2"]!.GetValue<double>());
        double second = results[seeds[1]][0].Metrics["scr_dir1_threshold_2"];
        Assert.Equal((scr["scr_dir1_threshold_2"]!.GetValue<double>() + second) / 2, unstructured["seeds"]!["mean"]!["scr_dir1_threshold_2"]!.GetValue<double>(), 1e-12);

        var detail = Assert.Single(details)!.AsObject();
        Assert.Equal(["dataset_name", .. expectedKeys], detail.Select(kv => kv.Key));
        Assert.Equal("LabHC/bias_in_bios_class_set1_scr_professor_nurse_results", detail["dataset_name"]!.GetValue<string>());

        var config = ScrTppJson.EvalConfig(scr: true, [inputs], new EvaluateScrTppParams
        {
            Subject = new() { SaeName = "s", Release = "r", ModelName = "m", LlmDtype = "float32", Device = DeviceChoice.Cpu },
            Datasets = ["bios"], NValues = [2, 5], PaddingLeak = true, LlmBatchSize = 32,
        });
        // ScrAndTppEvalConfig's fields in declaration order.
        Assert.Equal(["random_seed", "dataset_names", "perform_scr", "early_stopping_patience", "train_set_size", "test_set_size", "context_length",
                      "probe_train_batch_size", "probe_test_batch_size", "probe_epochs", "probe_lr", "probe_l1_penalty", "sae_batch_size",
                      "llm_batch_size", "llm_dtype", "lower_vram_usage", "model_name", "n_values", "column1_vals_lookup"],
                     config.Select(kv => kv.Key));
        Assert.Equal(1, config["random_seed"]!.GetValue<long>());
        Assert.Equal("""{"LabHC/bias_in_bios_class_set1":[["professor","nurse"]]}""", config["column1_vals_lookup"]!.ToJsonString());
    }
}
