using static TorchSharp.torch;

namespace SaePipeline.Models;

/// <summary>
/// Rotary position embeddings in HF's rotate-half convention: inv_freq = 1/θ^(2i/d) for i &lt; d/2, angle = pos·inv_freq,
/// cos and sin of cat(angles, angles) computed in float32, and x' = x·cos + rotate_half(x)·sin on the first
/// <see cref="Dims"/> features of each head (GPT-NeoX rotates only rotary_pct of them; Gemma-2 all).
/// </summary>
public sealed class Rotary(int dims, double theta)
{
    readonly Dictionary<(long, ScalarType, string), (Tensor Cos, Tensor Sin)> tables = [];

    public int Dims { get; } = dims;

    /// <summary>Rotates q or k, [B, heads, T, hd], for positions 0..T-1.</summary>
    public Tensor Apply(Tensor x)
    {
        var (cos, sin) = Table(x.shape[2], x.dtype, x.device);
        if (Dims == x.shape[^1]) return x * cos + RotateHalf(x) * sin;
        var rotated = x[TensorIndex.Ellipsis, ..Dims];
        var passed = x[TensorIndex.Ellipsis, Dims..];
        return cat([rotated * cos + RotateHalf(rotated) * sin, passed], -1);
    }

    static Tensor RotateHalf(Tensor x)
    {
        long half = x.shape[^1] / 2;
        return cat([x[TensorIndex.Ellipsis, (int)half..].neg(), x[TensorIndex.Ellipsis, ..(int)half]], -1);
    }

    (Tensor Cos, Tensor Sin) Table(long length, ScalarType dtype, Device device)
    {
        var key = (length, dtype, device.ToString());
        if (tables.TryGetValue(key, out var table)) return table;
        using var scope = NewDisposeScope();
        var exponent = arange(0, Dims, 2, ScalarType.Int64).to(ScalarType.Float32) / Dims;
        var invFreq = full(exponent.shape, theta, ScalarType.Float32).pow(exponent).reciprocal();
        var angles = outer(arange(length, ScalarType.Float32), invFreq);
        var emb = cat([angles, angles], -1);
        table = (emb.cos().to(dtype, device).DetachFromDisposeScope(), emb.sin().to(dtype, device).DetachFromDisposeScope());
        return tables[key] = table;
    }

    public void Clear()
    {
        foreach (var (cos, sin) in tables.Values) { cos.Dispose(); sin.Dispose(); }
        tables.Clear();
    }
}
