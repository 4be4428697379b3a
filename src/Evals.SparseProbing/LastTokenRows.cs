using SaePipeline.Activations;
using SaePipeline.Probes;
using SaePipeline.Sae;
using static TorchSharp.torch;

namespace SaePipeline.Evals.SparseProbing;

/// <summary>
/// Each text's activation at its last real token, row-major [texts, d_model] (<see cref="LastTokenActivations"/>),
/// and the SAE's latents there, [texts, d_sae].
/// </summary>
public sealed record LastTokenRows(float[] Acts, int DModel, float[] Latents, int DSae)
{
    public int Rows => Acts.Length / DModel;

    /// <param name="rows">The split's texts (doc numbers), in the order of the result's rows.</param>
    public static LastTokenRows Compute(SparseAutoencoder sae, ActivationCache cache, string split, IReadOnlyList<int> rows, Device device)
    {
        int d = cache.DIn;
        var acts = LastTokenActivations.Compute(cache, split, rows);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var latents = new float[rows.Count * sae.DSae];
        for (int start = 0; start < rows.Count; start += 4096)
        {
            int n = Math.Min(4096, rows.Count - start);
            var x = tensor(acts.AsSpan(start * d, n * d).ToArray(), [n, d]).to(device).to(sae.Dtype);
            sae.Encode(x).to(float32).cpu().contiguous().data<float>().CopyTo(latents.AsSpan(start * sae.DSae, n * sae.DSae));
        }
        return new LastTokenRows(acts, d, latents, sae.DSae);
    }
}
