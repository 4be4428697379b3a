using SaePipeline.Config;
using SaePipeline.Data;
using SaePipeline.Data.ProbeSets;
using SaePipeline.Evals.ScrTpp;
using SaePipeline.Probes;
using SaePipeline.Sae;
using static TorchSharp.torch;

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
    const int D = 32, F = 64, Context = 8, Tokens = 6;
    static readonly ConceptColumns Bios = ConceptColumns.BiasInBios;
    static readonly string[] Classes = ["0", "1", "2"];

    static TextTable Table(int perGroup)
    {
        var professions = new List<string>();
        var genders = new List<string>();
        for (int i = 0; i < perGroup; i++)
            foreach (var c in Classes)
                foreach (var g in new[] { "0", "1" })
                {
                    professions.Add(c);
                    genders.Add(g);
                }
        return new TextTable
        {
            Source = "planted",
            Texts = professions.Select((_, i) => $"text {i}").ToList(),
            Labels = new Dictionary<string, LabelColumn>
            {
                ["profession"] = new("profession", LabelKind.Int, professions),
                ["gender"] = new("gender", LabelKind.Int, genders),
            },
        };
    }

    static IReadOnlyList<CachedText> Texts(TextTable table, IReadOnlyList<int> rows, int seed)
    {
        var random = new Random(seed);
        double Noise() => 0.3 * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        return rows.Select(row => new CachedText(row, Enumerable.Range(0, Tokens).Select(_ =>
        {
            var x = new float[D];
            for (int d = 0; d < 4; d++) x[d] = (float)Noise();
            x[int.Parse(table.Label("profession").Values[row], System.Globalization.CultureInfo.InvariantCulture)] += 2;
            x[3] += table.Label("gender").Values[row] == "0" ? 1 : -1;
            return x;
        }).ToArray())).ToList();
    }

    static ReluSae Sae(bool planted)
    {
        var g = new Generator(13);
        var wDec = randn([F, D], generator: g);
        wDec = wDec / wDec.norm(dim: 1, keepdim: true);
        var wEnc = wDec.t().contiguous().mul(0.3);
        if (planted)
            for (int i = 0; i < 3; i++)
            {
                var axis = zeros([D]);
                axis[i] = 1;
                wDec[i] = axis;
                wEnc[TensorIndex.Colon, TensorIndex.Single(i)] = axis;
            }
        return new ReluSae(wEnc, zeros([F]), wDec, zeros([D]));
    }

    static Dictionary<long, TppDatasetResult> Evaluate(bool planted, TempDir dir)
    {
        var train = Table(60);
        var test = Table(30);
        var columns = Classes.Select(c => Bios.FindTarget(c)!).ToList();
        long[] seeds = [1, 2];
        var sets = new ProbeSetFile
        {
            Task = ProbeSelection.Tpp, Dataset = "bios", JsonName = "LabHC/bias_in_bios_class_set1", Kind = "bias_in_bios",
            TrainPerGroup = 40, TestPerGroup = 20, Seeds = seeds.Select(s => TppSets.Build(Bios, train, test, columns, 40, 20, s)).ToList(),
        };
        var trainRows = sets.RowsOf(DatasetSource.Train);
        var testRows = sets.RowsOf(DatasetSource.Test);
        var cache = LabelledCaches.Write(dir.Path, D, Context, new Dictionary<string, IReadOnlyList<CachedText>>
        {
            ["train"] = Texts(train, trainRows, 1),
            ["test"] = Texts(test, testRows, 2),
        });
        var pooledTrain = PooledActivations.Compute(cache, DatasetSource.Train, trainRows, out _);
        var pooledTest = PooledActivations.Compute(cache, DatasetSource.Test, testRows, out _);
        var parameters = new TrainProbesParams
        {
            Task = ProbeSelection.Tpp, Dataset = "bios", Seeds = seeds,
            Settings = new ProbeSettings { TrainSetSize = 160, TestSetSize = 80, Epochs = 20, EarlyStoppingPatience = 20, Lr = 0.01 },
        };
        var (file, probes) = TrainProbesStage.TrainAll(parameters, sets, pooledTrain, pooledTest, D, Context);
        using var sae = Sae(planted);
        var inputs = new ProbeTaskInputs(file, probes, new ProbeData(sets, pooledTrain, pooledTest),
            LatentSums.Compute(sae, cache, DatasetSource.Train, trainRows, CPU), LatentSums.Compute(sae, cache, DatasetSource.Test, testRows, CPU),
            SaeDecoder.From(sae), PaddingLeak: true);
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
