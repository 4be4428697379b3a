using SaePipeline.Activations;
using SaePipeline.Sae;
using static TorchSharp.torch;

namespace SaePipeline.Evals;

/// <summary>Reconstruction statistics of an SAE over the held-out rows of a synthetic cache.</summary>
public sealed record HeldoutStats(long Rows, double L0, double TrueL0, double ExplainedVariance, double Mse, double L2Ratio,
                                  double RelativeReconstructionBias, double FracDead);

/// <summary>
/// One pass over the held-out split, a row group at a time, accumulating in float64:
/// explained variance = 1 − Σ‖x − x̂‖² / Σ‖x − x̄‖² (x̄ over the whole split; the FVU form of OpenAI/sparsify, which
/// SAELens's training metric approximates per batch); mse = mean over elements of (x − x̂)²; l2_ratio = mean over rows
/// of ‖x̂‖/‖x‖ (rows with x = 0 skipped); relative_reconstruction_bias = E‖x̂‖² / E[x·x̂] (SAELens); a latent is dead
/// when it fires on no held-out row.
/// </summary>
public static class SyntheticRecoveryEval
{
    public static async Task<HeldoutStats> MeasureAsync(ReluSae sae, ActivationCache cache, Device device)
    {
        int d = cache.DIn;
        var shards = cache.Shards(CacheActivationsStage.HeldoutSplit);
        int maxRows = cache.Info.RowsPerRowGroup;
        var acts = new float[(long)maxRows * d];
        var nActive = new int[maxRows];
        long rows = 0, trueActive = 0;
        double residualSq = 0, xSq = 0, l0 = 0, ratioSum = 0, hatSq = 0, dot = 0;
        long ratioRows = 0;
        var xSum = zeros([d], float64);
        var fired = zeros([sae.DSae], ScalarType.Bool, device);
        using var noGrad = no_grad();
        foreach (var shard in shards)
        {
            await using var reader = await ShardReader.OpenAsync(cache.PathOf(shard), d);
            for (int group = 0; group < reader.RowGroupCount; group++)
            {
                int n = await reader.ReadActsAsync(group, acts);
                await reader.ReadLabelAsync(group, CacheActivationsStage.NActiveColumn, nActive);
                using var scope = NewDisposeScope();
                var x = RowTensors.FromRows(acts, n, d).to(device);
                var f = sae.Encode(x);
                var xHat = sae.Decode(f);
                var x64 = x.to(float64);
                var hat64 = xHat.to(float64);
                residualSq += (x64 - hat64).square().sum().item<double>();
                xSq += x64.square().sum().item<double>();
                xSum.add_(x64.sum(dim: 0).cpu());
                l0 += f.gt(0).sum().item<long>();
                fired.logical_or_(f.gt(0).any(dim: 0));
                var xNorm = x64.norm(dim: 1, keepdim: false);
                var hatNorm = hat64.norm(dim: 1, keepdim: false);
                var nonzero = xNorm.gt(0);
                ratioSum += (hatNorm.masked_select(nonzero) / xNorm.masked_select(nonzero)).sum().item<double>();
                ratioRows += nonzero.sum().item<long>();
                hatSq += hat64.square().sum().item<double>();
                dot += (x64 * hat64).sum().item<double>();
                for (int i = 0; i < n; i++) trueActive += nActive[i];
                rows += n;
            }
        }
        double meanSq = xSum.square().sum().item<double>() / rows;   // N‖x̄‖² = ‖Σx‖²/N
        var stats = new HeldoutStats(
            rows,
            L0: l0 / rows,
            TrueL0: (double)trueActive / rows,
            ExplainedVariance: 1 - residualSq / (xSq - meanSq),
            Mse: residualSq / (rows * (double)d),
            L2Ratio: ratioRows > 0 ? ratioSum / ratioRows : double.NaN,
            RelativeReconstructionBias: hatSq / dot,
            FracDead: 1 - fired.sum().item<long>() / (double)sae.DSae);
        xSum.Dispose();
        fired.Dispose();
        return stats;
    }
}
