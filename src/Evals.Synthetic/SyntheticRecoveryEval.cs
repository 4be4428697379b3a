using SaePipeline.Activations;
using SaePipeline.Sae;
using static TorchSharp.torch;

namespace SaePipeline.Evals.Synthetic;

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
    public static async Task<HeldoutStats> MeasureAsync(SparseAutoencoder sae, ActivationCache cache, Device device)
    {
        int d = cache.DIn;
        var acts = new float[(long)cache.Info.RowsPerRowGroup * d];
        var nActive = new int[cache.Info.RowsPerRowGroup];
        using var sums = new Sums(d, sae.DSae, device);
        foreach (var shard in cache.Shards(CacheActivationsStage.HeldoutSplit))
        {
            await using var reader = await ShardReader.OpenAsync(cache.PathOf(shard), d);
            for (int group = 0; group < reader.RowGroupCount; group++)
            {
                int n = await reader.ReadActsAsync(group, acts);
                await reader.ReadLabelAsync(group, SyntheticCache.NActiveColumn, nActive);
                sums.Add(sae, acts, nActive, n, device);   // synchronous: grad mode is per thread, awaits may switch threads
            }
        }
        return sums.Result(sae.DSae);
    }

    /// <summary>Running float64 sums over row groups.</summary>
    sealed class Sums(int d, int dSae, Device device) : IDisposable
    {
        readonly Tensor xSum = zeros([d], float64);
        readonly Tensor fired = zeros([dSae], ScalarType.Bool, device);
        long rows, trueActive, ratioRows;
        double residualSq, xSq, l0, ratioSum, hatSq, dot;

        public void Add(SparseAutoencoder sae, float[] acts, int[] nActive, int n, Device device)
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var x = RowTensors.FromRows(acts, n, d).to(device);
            var f = sae.Encode(x);
            var x64 = x.to(float64);
            var hat64 = sae.Decode(f).to(float64);
            residualSq += (x64 - hat64).square().sum().item<double>();
            xSq += x64.square().sum().item<double>();
            xSum.add_(x64.sum(dim: 0).cpu());
            l0 += f.gt(0).sum().item<long>();
            fired.logical_or_(f.gt(0).any(dim: 0));
            var xNorm = x64.norm(dim: 1, keepdim: false);
            var nonzero = xNorm.gt(0);
            ratioSum += (hat64.norm(dim: 1, keepdim: false).masked_select(nonzero) / xNorm.masked_select(nonzero)).sum().item<double>();
            ratioRows += nonzero.sum().item<long>();
            hatSq += hat64.square().sum().item<double>();
            dot += (x64 * hat64).sum().item<double>();
            for (int i = 0; i < n; i++) trueActive += nActive[i];
            rows += n;
        }

        /// <summary>Ratios with a zero denominator come out NaN; the JSON writer turns them into null.</summary>
        public HeldoutStats Result(int dSae)
        {
            double meanSq = xSum.square().sum().item<double>() / rows;   // N‖x̄‖² = ‖Σx‖²/N
            return new HeldoutStats(
                rows,
                L0: l0 / rows,
                TrueL0: (double)trueActive / rows,
                ExplainedVariance: 1 - residualSq / (xSq - meanSq),
                Mse: residualSq / (rows * (double)d),
                L2Ratio: ratioRows > 0 ? ratioSum / ratioRows : double.NaN,
                RelativeReconstructionBias: hatSq / dot,
                FracDead: 1 - fired.sum().item<long>() / (double)dSae);
        }

        public void Dispose()
        {
            xSum.Dispose();
            fired.Dispose();
        }
    }
}
