using SaePipeline.Config;
using SaePipeline.Data;
using SaePipeline.Data.ProbeSets;
using SaePipeline.Evals.ScrTpp;
using SaePipeline.Probes;

namespace SaePipeline.Tests.ScrTpp;

/// <summary>
/// TPP end to end on activations with a known answer: three classes, each text carrying its class along its own axis
/// (e0, e1, e2; +2) and its gender along e3 (±1), with noise on those axes. An SAE with one latent per class axis lets
/// TPP ablate exactly a class's direction: its own probe falls toward chance while the others barely move, so the
/// total metric (intended − unintended) is large. A random SAE moves nothing. The data go through TPP's pandas
/// sampling, the real cache reader, pooling, probe training with random negatives, and the closed-form ablation.
/// </summary>
public sealed class PlantedTppTests
{
    const int D = 32, F = 64;
    static readonly ConceptColumns Bios = ConceptColumns.BiasInBios;
    static readonly string[] Classes = ["0", "1", "2"];

    /// <summary>Each class with <paramref name="perGroup"/> texts of each gender, interleaved.</summary>
    static TextTable Table(int perGroup) =>
        PlantedWorld.Table(Enumerable.Range(0, perGroup).SelectMany(_ => Classes.SelectMany(c => new[] { (c, "0"), (c, "1") })));

    static Dictionary<long, TppDatasetResult> Evaluate(bool planted, TempDir dir)
    {
        var train = Table(60);
        var test = Table(30);
        var classes = Classes.Select(c => Bios.FindTarget(c)!).ToList();
        long[] seeds = [1, 2];
        var sets = new ProbeSetFile
        {
            Task = ProbeSelection.Tpp, Dataset = "bios", JsonName = "LabHC/bias_in_bios_class_set1", Kind = "bias_in_bios",
            TrainPerGroup = 40, TestPerGroup = 20, Seeds = seeds.Select(s => TppSets.Build(Bios, train, test, classes, 40, 20, s)).ToList(),
        };
        var parameters = new TrainProbesParams
        {
            Task = ProbeSelection.Tpp, Dataset = "bios", Seeds = seeds,
            Settings = new ProbeSettings { TrainSetSize = 160, TestSetSize = 80, Epochs = 20, EarlyStoppingPatience = 20, Lr = 0.01 },
        };
        using var sae = PlantedWorld.Sae(D, F, 13, planted ? [(0, 1f), (1, 1f), (2, 1f)] : []);
        var inputs = PlantedWorld.Inputs(dir, D, sets, parameters, sae, (split, rows) =>
        {
            var table = split == DatasetSource.Train ? train : test;
            return PlantedWorld.Texts(rows, split == DatasetSource.Train ? 1 : 2, noise: 0.3, (row, noise) =>
            {
                var x = new float[D];
                for (int d = 0; d < 4; d++) x[d] = noise();
                x[int.Parse(table.Label("profession").Values[row], System.Globalization.CultureInfo.InvariantCulture)] += 2;
                x[3] += table.Label("gender").Values[row] == "0" ? 1 : -1;
                return x;
            });
        });
        return TppEvaluation.Run(inputs, [2]);
    }

    [Fact]
    public void AblatingAPlantedClassDirectionHurtsOnlyThatClassProbe()
    {
        using var dir = new TempDir();
        var results = Evaluate(planted: true, dir);
        string all = string.Join("\n", results.Values.Select(r => r.Accuracies.ToJsonString()));
        foreach (var result in results.Values)
        {
            Assert.Equal(Classes, result.PerClass.Select(c => c.Class));
            foreach (var (_, metrics) in result.PerClass)
            {
                Assert.True(metrics["tpp_threshold_2_intended_diff_only"] > 0.2, all);
                Assert.True(Math.Abs(metrics["tpp_threshold_2_unintended_diff_only"]) < 0.15, all);
            }
            Assert.True(result.Metrics["tpp_threshold_2_total_metric"] > 0.2, all);
        }
    }

    [Fact]
    public void ARandomSaeMovesNoProbe()
    {
        using var dir = new TempDir();
        var results = Evaluate(planted: false, dir);
        string all = string.Join("\n", results.Values.Select(r => r.Accuracies.ToJsonString()));
        foreach (var result in results.Values)
            Assert.True(Math.Abs(result.Metrics["tpp_threshold_2_total_metric"]) < 0.05, all);
    }
}
