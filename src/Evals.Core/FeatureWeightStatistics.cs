using SaePipeline.Sae;
using static TorchSharp.torch;

namespace SaePipeline.Evals.Core;

/// <summary>
/// SAEBench core's weight-based per-latent metrics (get_featurewise_weight_based_metrics, docs/saebench.md §1.5), one
/// entry per latent i. Encoder direction i is the column W_enc[:, i]; decoder direction i is the row W_dec[i, :].
/// </summary>
/// <param name="EncoderNorm">‖W_enc[:, i]‖.</param>
/// <param name="EncoderBias">b_enc, b_mag for a gated SAE (which has no b_enc), zeros for an architecture with neither.</param>
/// <param name="EncoderDecoderCosineSim">cos(W_enc[:, i], W_dec[i, :]); NaN when either is the zero vector (SAEBench divides by the norm without epsilon).</param>
/// <param name="MaxEncoderCosineSim">max over j ≠ i of cos(W_enc[:, i], W_enc[:, j]).</param>
/// <param name="MaxDecoderCosineSim">max over j ≠ i of cos(W_dec[i, :], W_dec[j, :]).</param>
public sealed record FeatureWeightStatistics(
    double[] EncoderNorm,
    double[] EncoderBias,
    double[] EncoderDecoderCosineSim,
    double[] MaxEncoderCosineSim,
    double[] MaxDecoderCosineSim)
{
    /// <param name="chunkRows">Latents per chunk of the max-cosine search; 0 picks one that keeps a chunk's similarities near 64 MB.</param>
    public static FeatureWeightStatistics Compute(SparseAutoencoder sae, int chunkRows = 0)
    {
        using var noGrad = no_grad();
        int dSae = sae.DSae;
        var encoderNorm = new double[dSae];
        var encoderDecoder = new double[dSae];
        int perChunk = chunkRows > 0 ? chunkRows : DefaultChunkRows(dSae, 4 * sae.DIn);   // two float64 [C, d_in] blocks
        for (int start = 0; start < dSae; start += perChunk)
        {
            using var scope = NewDisposeScope();
            int end = Math.Min(start + perChunk, dSae);
            var enc = sae.W_enc.detach()[.., start..end].t().to(float64);   // [C, d_in]
            var dec = sae.W_dec.detach()[start..end].to(float64);            // [C, d_in]
            var encNorm = enc.norm(dim: 1, keepdim: true);
            var decNorm = dec.norm(dim: 1, keepdim: true);
            var cos = (enc / encNorm * (dec / decNorm)).sum(dim: 1);
            encNorm.flatten().cpu().data<double>().CopyTo(encoderNorm.AsSpan(start, end - start));
            cos.cpu().data<double>().CopyTo(encoderDecoder.AsSpan(start, end - start));
        }
        return new FeatureWeightStatistics(
            EncoderNorm: encoderNorm,
            EncoderBias: EncoderBiasOf(sae),
            EncoderDecoderCosineSim: encoderDecoder,
            MaxEncoderCosineSim: MaxCosineSimilarityToOthers(sae.W_enc.detach().t(), chunkRows),
            MaxDecoderCosineSim: MaxCosineSimilarityToOthers(sae.W_dec.detach(), chunkRows));
    }

    /// <summary>
    /// For each row i of <paramref name="rows"/> [n, d], the largest cosine similarity with any other row, in chunks of
    /// rows so that no n×n matrix exists (SAEBench calculate_max_cosine_sim). As there, rows are normalised with
    /// F.normalize's epsilon (‖v‖ clamped to 1e-12), so a zero row has similarity 0 with everything rather than NaN;
    /// self-similarity is set to −∞ before the max (a single row therefore gets −∞). Computed in float32 unless the
    /// input is float64: SAEBench runs it in the SAE's dtype, and a float64 copy of a 65k×2304 matrix would be 1.2 GB.
    /// </summary>
    public static double[] MaxCosineSimilarityToOthers(Tensor rows, int chunkRows = 0)
    {
        if (rows.ndim != 2) throw new ArgumentException($"rows must be [n, d], got [{string.Join(",", rows.shape)}]");
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        int n = (int)rows.shape[0];
        var dtype = rows.dtype == float64 ? float64 : float32;
        var v = rows.detach().to(dtype);
        var unit = v / v.norm(dim: 1, keepdim: true).clamp_min(1e-12);
        var unitT = unit.t();
        var result = new double[n];
        int perChunk = chunkRows > 0 ? chunkRows : DefaultChunkRows(n, n);
        for (int start = 0; start < n; start += perChunk)
        {
            using var chunkScope = NewDisposeScope();
            int end = Math.Min(start + perChunk, n);
            var sims = unit[start..end].matmul(unitT);                              // [C, n]
            sims.diagonal(start, 0, 1).fill_(double.NegativeInfinity);             // (i, start + i): each row's self
            var (max, _) = sims.max(dim: 1);
            max.to(float64).cpu().data<double>().CopyTo(result.AsSpan(start, end - start));
        }
        return result;
    }

    static double[] EncoderBiasOf(SparseAutoencoder sae)
    {
        var bias = sae is GatedSae gated ? gated.b_mag : sae.Parameters.FirstOrDefault(p => p.Name == "b_enc")?.Tensor;
        if (bias is null) return new double[sae.DSae];
        using var scope = NewDisposeScope();
        return bias.detach().to(float64).cpu().data<double>().ToArray();
    }

    /// <summary>Rows per chunk so that a chunk's [C, width] float32 block stays near 64 MB.</summary>
    static int DefaultChunkRows(int n, int width) => (int)Math.Clamp((64L << 20) / (4L * Math.Max(width, 1)), 1, Math.Max(n, 1));
}
