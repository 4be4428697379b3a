using SaePipeline.Activations.Labelled;
using SaePipeline.Data;
using SaePipeline.Data.ProbeSets;
using SaePipeline.Evals;
using SaePipeline.Evals.ScrTpp;
using SaePipeline.Probes;
using SaePipeline.Sae;
using SaePipeline.Tests.ScrTpp;
using static TorchSharp.torch;

namespace SaePipeline.Tests.SparseProbing;

/// <summary>
/// Sparse probing on a world with a known answer: four ag_news-like classes whose texts carry a class direction that no
/// single activation dimension aligns with, and an SAE whose latents 0–3 read exactly those directions. Its top-1 probe
/// must then be near perfect, well above the language model's best single dimension and above an SAE without them.
/// </summary>
public sealed class PlantedSparseProbingTests
{
    const int D = 16, F = 48, PerClassTrain = 120, PerClassTest = 60;
    static readonly string[] Classes = ["0", "1", "2", "3"];

    static TextTable Table(int perClass) => new()
    {
        Source = "planted",
        Texts = Enumerable.Range(0, perClass * Classes.Length).Select(i => $"text {i}").ToList(),
        Labels = new Dictionary<string, LabelColumn>
        {
            ["label"] = new("label", LabelKind.Int, Enumerable.Range(0, perClass * Classes.Length).Select(i => Classes[i % Classes.Length]).ToList()),
        },
    };

    /// <summary>Orthonormal class directions in general position (Gram–Schmidt on random vectors: no axis carries a class alone).</summary>
    static float[][] Directions()
    {
        var random = new Random(5);
        var directions = new List<double[]>();
        foreach (var _ in Classes)
        {
            var v = Enumerable.Range(0, D).Select(_ => random.NextDouble() * 2 - 1).ToArray();
            foreach (var u in directions)
            {
                double dot = v.Zip(u, (a, b) => a * b).Sum();
                for (int d = 0; d < D; d++) v[d] -= dot * u[d];
            }
            double norm = Math.Sqrt(v.Sum(x => x * x));
            directions.Add(v.Select(x => x / norm).ToArray());
        }
        return directions.Select(v => v.Select(x => (float)x).ToArray()).ToArray();
    }

    static (List<SparseProbingSubsetResults> Llm, List<SparseProbingSubsetResults> Sae) Run(bool planted)
    {
        var subset = SparseProbingSubsets.Find("ag_news")!;
        var sets = new ProbeSelection
        {
            Task = ProbeSelection.SparseProbing, TrainPerGroup = 2 * PerClassTrain / 4, TestPerGroup = 2 * PerClassTest / 4, Subsets = [subset.Id],
            Seeds = [42, 43], TrainSetSize = 2 * PerClassTrain, TestSetSize = 2 * PerClassTest,
        }.Build(new DatasetSpec { Name = "ag_news", Kind = "ag_news" }, Table(PerClassTrain + 20), Table(PerClassTest + 10));
        var directions = Directions();
        var labels = new Dictionary<string, TextTable> { ["train"] = Table(PerClassTrain + 20), ["test"] = Table(PerClassTest + 10) };
        using var dir = new TempDir();
        var trainRows = sets.RowsOf(DatasetSource.Train);
        var testRows = sets.RowsOf(DatasetSource.Test);
        IReadOnlyList<CachedText> Texts(string split, IReadOnlyList<int> rows) =>
            PlantedWorld.Texts(rows, split == DatasetSource.Train ? 1 : 2, noise: 1.0, (row, noise) =>
            {
                var direction = directions[int.Parse(labels[split].Label("label").Values[row], System.Globalization.CultureInfo.InvariantCulture)];
                return direction.Select(x => 2 * x + noise()).ToArray();
            });
        var cache = LabelledCaches.Write(dir.Path, D, PlantedWorld.Context, new Dictionary<string, IReadOnlyList<CachedText>>
        {
            [DatasetSource.Train] = Texts(DatasetSource.Train, trainRows),
            [DatasetSource.Test] = Texts(DatasetSource.Test, testRows),
        });
        var settings = new Config.SparseProbingConfig { TrainSetSize = 2 * PerClassTrain, TestSetSize = 2 * PerClassTest, ProbeEpochs = 30 }.ProbeSettings;
        var llmData = new ProbeData(sets, PooledActivations.Compute(cache, DatasetSource.Train, trainRows, out _),
                                    PooledActivations.Compute(cache, DatasetSource.Test, testRows, out _));
        var llm = SparseProbingLlm.Evaluate(llmData, sets.SparseProbing!, settings, [1, 2], "llm");

        using var sae = PlantedSae(planted ? directions : []);
        var saeData = new ProbeData(sets, LatentSums.Compute(sae, cache, DatasetSource.Train, trainRows, CPU).Means(),
                                    LatentSums.Compute(sae, cache, DatasetSource.Test, testRows, CPU).Means());
        return (llm, SparseProbingLlm.Evaluate(saeData, sets.SparseProbing!, settings, [1, 2], "sae"));
    }

    /// <summary>Random unit latents, the first ones replaced by <paramref name="directions"/> (read and written exactly).</summary>
    static ReluSae PlantedSae(float[][] directions)
    {
        var g = new Generator(11);
        var wDec = randn([F, D], generator: g);
        wDec = wDec / wDec.norm(dim: 1, keepdim: true);
        for (int i = 0; i < directions.Length; i++) wDec[i] = tensor(directions[i]);
        return new ReluSae(wDec.t().contiguous(), zeros([F]), wDec, zeros([D]));
    }

    static double MeanTop1(List<SparseProbingSubsetResults> r) => r[0].Seeds.SelectMany(s => s.Classes).Average(c => c.TopK[1]);

    [Fact]
    public void ALatentThatCarriesTheClassGivesANearPerfectTopOneProbe()
    {
        var (llm, sae) = Run(planted: true);
        var (_, random) = Run(planted: false);
        Assert.Equal(2, sae[0].Seeds.Count);
        foreach (var c in sae[0].Seeds.SelectMany(s => s.Classes))
            Assert.True(c.TopK[1] >= 0.95, $"class {c.Class}: SAE top-1 accuracy {c.TopK[1]:F3}, its planted latent should separate it");
        Assert.True(MeanTop1(llm) < MeanTop1(sae) - 0.05, $"LLM top-1 {MeanTop1(llm):F3} vs SAE {MeanTop1(sae):F3}: no single activation dimension carries a class");
        Assert.True(MeanTop1(random) < MeanTop1(sae) - 0.05, $"random SAE top-1 {MeanTop1(random):F3} vs planted {MeanTop1(sae):F3}");
        // The full-width probes see every direction and separate the classes either way.
        Assert.True(sae[0].Seeds.SelectMany(s => s.Classes).Average(c => c.TestAccuracy) > 0.9);
        Assert.True(llm[0].Seeds.SelectMany(s => s.Classes).Average(c => c.TestAccuracy) > 0.9);
    }
}
