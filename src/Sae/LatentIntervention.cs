using SaePipeline.Config;
using static TorchSharp.torch;

namespace SaePipeline.Sae;

/// <summary>
/// What <see cref="InterventionKind.Mean"/> and <see cref="InterventionKind.Random"/> need to know of each latent: its
/// running mean activation, and a uniform sample of the values it took (reservoir sampling, so memory stays
/// d_sae × <see cref="ReservoirSize"/> whatever the number of tokens). Seeded, so the same stream of batches gives the
/// same state.
/// </summary>
public sealed class LatentStatistics
{
    public const int ReservoirSize = 64;

    readonly int dSae;
    readonly double[] sum;
    readonly float[] reservoir;   // [d_sae, ReservoirSize]
    readonly Random random;
    long seen;

    public LatentStatistics(int dSae, int seed)
    {
        this.dSae = dSae;
        sum = new double[dSae];
        reservoir = new float[dSae * ReservoirSize];
        random = new Random(seed);
    }

    public long Positions => seen;

    /// <summary>Adds the latents of a batch of positions, f [N, d_sae].</summary>
    public void Observe(Tensor f)
    {
        using var scope = NewDisposeScope();
        var values = f.detach().to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
        int n = values.Length / dSae;
        for (int t = 0; t < n; t++, seen++)
        {
            var row = values.AsSpan(t * dSae, dSae);
            for (int i = 0; i < dSae; i++) sum[i] += row[i];
            // Algorithm R: position `seen` replaces a uniformly chosen slot with probability ReservoirSize / (seen + 1).
            if (seen < ReservoirSize)
                for (int i = 0; i < dSae; i++) reservoir[i * ReservoirSize + (int)seen] = row[i];
            else if (random.NextInt64(seen + 1) is long slot && slot < ReservoirSize)
                for (int i = 0; i < dSae; i++) reservoir[i * ReservoirSize + (int)slot] = row[i];
        }
    }

    /// <summary>The mean activation of each latent over every position observed.</summary>
    public float[] Mean() => sum.Select(s => seen == 0 ? 0f : (float)(s / seen)).ToArray();

    /// <summary>The reservoir of latent <paramref name="latent"/>: up to <see cref="ReservoirSize"/> values it took.</summary>
    public ReadOnlySpan<float> Sample(int latent) => reservoir.AsSpan(latent * ReservoirSize, (int)Math.Min(seen, ReservoirSize));

    /// <summary>
    /// The values latent <paramref name="latent"/> takes under the intervention, for positions whose current values are
    /// <paramref name="current"/> (any shape); the result has the same shape and device.
    /// </summary>
    public Tensor Replacement(InterventionKind kind, int latent, Tensor current, Generator generator) => kind switch
    {
        InterventionKind.Zero => zeros_like(current),
        InterventionKind.Mean => full_like(current, Mean()[latent]),
        InterventionKind.Random => Resample(latent, current, generator),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    Tensor Resample(int latent, Tensor current, Generator generator)
    {
        if (seen == 0) throw new InvalidOperationException("random interventions need observed activations first");
        using var scope = NewDisposeScope();
        var pool = tensor(Sample(latent).ToArray()).to(current.device);
        var index = randint(0, pool.shape[0], current.shape, generator: generator, dtype: ScalarType.Int64).to(current.device);
        return pool[index].to(current.dtype).MoveToOuterDisposeScope();
    }
}
