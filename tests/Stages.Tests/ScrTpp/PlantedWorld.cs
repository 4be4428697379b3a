using SaePipeline.Activations.Labelled;
using SaePipeline.Data;
using SaePipeline.Data.ProbeSets;
using SaePipeline.Evals;
using SaePipeline.Evals.ScrTpp;
using SaePipeline.Probes;
using SaePipeline.Sae;
using static TorchSharp.torch;

namespace SaePipeline.Tests.ScrTpp;

/// <summary>
/// What the planted SCR and TPP tests share: bias_in_bios tables from labels, a labelled cache of activations a test
/// plants, SAEs with planted decoder directions among random ones, and the path from sets to <see cref="ProbeTaskInputs"/>
/// through the real reader, pooling, probe training and latent sums.
/// </summary>
internal static class PlantedWorld
{
    public const int Context = 8, Tokens = 6;

    public static TextTable Table(IEnumerable<(string Profession, string Gender)> rows)
    {
        var list = rows.ToList();
        return new TextTable
        {
            Source = "planted",
            Texts = list.Select((_, i) => $"text {i}").ToList(),
            Labels = new Dictionary<string, LabelColumn>
            {
                ["profession"] = new("profession", LabelKind.Int, list.Select(r => r.Profession).ToList()),
                ["gender"] = new("gender", LabelKind.Int, list.Select(r => r.Gender).ToList()),
            },
        };
    }

    /// <summary>Each text's <see cref="Tokens"/> tokens: <paramref name="token"/>(row, noise) with Gaussian noise of sd <paramref name="noise"/>.</summary>
    public static IReadOnlyList<CachedText> Texts(IReadOnlyList<int> rows, int seed, double noise, Func<int, Func<float>, float[]> token)
    {
        var random = new Random(seed);
        float Noise() => (float)(noise * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        return rows.Select(row => new CachedText(row, Enumerable.Range(0, Tokens).Select(_ => token(row, Noise)).ToArray())).ToList();
    }

    /// <summary>
    /// A ReLU SAE of random unit decoder rows (encoder columns 0.3 × the same), whose first latents are replaced by
    /// <paramref name="planted"/> axes: latent i reads and writes ±e_axis exactly.
    /// </summary>
    public static ReluSae Sae(int dIn, int dSae, long seed, IReadOnlyList<(int Axis, float Sign)> planted)
    {
        var g = new Generator((ulong)seed);
        var wDec = randn([dSae, dIn], generator: g);
        wDec = wDec / wDec.norm(dim: 1, keepdim: true);
        var wEnc = wDec.t().contiguous().mul(0.3);
        for (int i = 0; i < planted.Count; i++)
        {
            var direction = zeros([dIn]);
            direction[planted[i].Axis] = planted[i].Sign;
            wDec[i] = direction;
            wEnc[TensorIndex.Colon, TensorIndex.Single(i)] = direction;
        }
        return new ReluSae(wEnc, zeros([dSae]), wDec, zeros([dIn]));
    }

    /// <summary>
    /// Caches the sets' texts (<paramref name="texts"/>(split, rows) makes them), pools them, trains the probes and
    /// encodes every token with <paramref name="sae"/>.
    /// </summary>
    public static ProbeTaskInputs Inputs(TempDir dir, int dIn, ProbeSetFile sets, TrainProbesParams parameters, SparseAutoencoder sae,
                                         Func<string, IReadOnlyList<int>, IReadOnlyList<CachedText>> texts)
    {
        var trainRows = sets.RowsOf(DatasetSource.Train);
        var testRows = sets.RowsOf(DatasetSource.Test);
        var cache = LabelledCaches.Write(dir.Path, dIn, Context, new Dictionary<string, IReadOnlyList<CachedText>>
        {
            [DatasetSource.Train] = texts(DatasetSource.Train, trainRows),
            [DatasetSource.Test] = texts(DatasetSource.Test, testRows),
        });
        var pooledTrain = PooledActivations.Compute(cache, DatasetSource.Train, trainRows, out _);
        var pooledTest = PooledActivations.Compute(cache, DatasetSource.Test, testRows, out _);
        var (file, probes) = TrainProbesStage.TrainAll(parameters, sets, pooledTrain, pooledTest, dIn, Context);
        return new ProbeTaskInputs(file, probes, new ProbeData(sets, pooledTrain, pooledTest),
            LatentSums.Compute(sae, cache, DatasetSource.Train, trainRows, CPU), LatentSums.Compute(sae, cache, DatasetSource.Test, testRows, CPU),
            SaeDecoder.From(sae), PaddingLeak: true);
    }
}
