using System.Runtime.InteropServices;
using SaePipeline.Config;
using SaePipeline.Runtime;
using static TorchSharp.torch;

namespace SaePipeline.Activations.Synthetic;

/// <summary>
/// The planted-feature activation source (docs/sae-training.md §6): ground-truth directions G [n_features, d_in] with unit
/// rows, per-feature firing probabilities, and a sampler of rows x = Σ_i c_i·G_i + noise with c_i ≥ 0.
/// Firing goes through a Gaussian copula (see <see cref="CorrelationConfig"/>), which reduces to independent
/// Bernoulli(p_i) draws when the correlation strength is 0. Everything is generated on the CPU with seeded generators,
/// so a cache is bit-identical for a given config on the same machine and libtorch (matmul results can differ in the
/// last bits across CPU instruction sets and thread counts).
/// </summary>
public sealed class PlantedFeatureSource : IDisposable
{
    readonly SyntheticSourceConfig config;
    readonly Tensor probabilities;   // [n] p_i
    readonly Tensor thresholds;      // [n]: with correlation, feature i fires when its copula variable exceeds Φ⁻¹(1 − p_i)
    readonly Tensor groupOfFeature;   // [n] int64

    public PlantedFeatureSource(SyntheticSourceConfig config, long seed)
    {
        this.config = config;
        Probabilities = FiringProbabilities.Compute(config);
        using var g = TorchRuntime.Generator(seed, "synthetic/features");
        using (var raw = randn([config.NFeatures, config.DIn], generator: g))
            Features = (raw / raw.norm(dim: 1, keepdim: true)).DetachFromDisposeScope();
        probabilities = tensor(Probabilities.Select(p => (float)p).ToArray()).DetachFromDisposeScope();
        thresholds = tensor(Probabilities.Select(p => (float)NormalQuantile.Inverse(1 - p)).ToArray()).DetachFromDisposeScope();
        groupOfFeature = arange(config.NFeatures, dtype: ScalarType.Int64).div(config.Correlation.GroupSize, rounding_mode: RoundingMode.floor).DetachFromDisposeScope();
    }

    /// <summary>G: the true features, one unit-norm row each.</summary>
    public Tensor Features { get; }

    public double[] Probabilities { get; }

    /// <summary>Fills <paramref name="into"/> with <paramref name="rows"/> sampled rows; the label column is n_active.</summary>
    public void Sample(int rows, Generator generator, long firstRow, ActivationRows into)
    {
        using var scope = NewDisposeScope();
        int n = config.NFeatures;
        double s = config.Correlation.Strength;
        Tensor fires;
        if (s > 0)
        {
            int groups = (n + config.Correlation.GroupSize - 1) / config.Correlation.GroupSize;
            var shared = randn([rows, groups], generator: generator).index_select(1, groupOfFeature);
            fires = randn([rows, n], generator: generator).mul_(Math.Sqrt(1 - s)).add_(shared, alpha: Math.Sqrt(s)).gt(thresholds);
        }
        else
        {
            // Independent firing: U < p_i is the copula with s = 0 (Φ(z) is uniform), at a fraction of the cost.
            fires = rand([rows, n], generator: generator).lt(probabilities);
        }
        // Magnitudes only for the features that fire (about mean_active per row, not n_features).
        long active = fires.sum().item<long>();
        var m = config.Magnitude;
        var magnitude = m.Distribution == MagnitudeDistribution.Uniform
            ? rand([active], generator: generator).mul_(m.Max - m.Min).add_(m.Min)
            : randn([active], generator: generator).mul_(m.Std).add_(m.Mean).clamp_min_(0);
        var codes = zeros([rows, n]).masked_scatter_(fires, magnitude);
        var x = codes.matmul(Features);
        if (config.NoiseStd > 0) x.add_(randn([rows, config.DIn], generator: generator), alpha: config.NoiseStd);

        MemoryMarshal.Cast<byte, float>(x.contiguous().bytes).CopyTo(into.Acts);
        // n_active counts features with a nonzero code: a normal magnitude clipped at 0 is not an active feature.
        MemoryMarshal.Cast<byte, int>(codes.gt(0).sum(dim: 1, type: ScalarType.Int32).bytes).CopyTo(into.Labels[0]);
        for (int r = 0; r < rows; r++)
        {
            into.Doc[r] = firstRow + r;
            into.Pos[r] = 0;
            into.Token[r] = -1;
        }
        into.Count = rows;
    }

    public void Dispose()
    {
        Features.Dispose();
        probabilities.Dispose();
        thresholds.Dispose();
        groupOfFeature.Dispose();
    }
}
