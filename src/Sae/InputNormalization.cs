using SaePipeline.Activations;
using SaePipeline.Config;
using static TorchSharp.torch;

namespace SaePipeline.Sae;

/// <summary>
/// normalize_activations: expected_average_only_in. The factor s = √d_in / E‖x‖ is estimated on
/// normalization_batches batches drawn from the training split by a reader of its own (its own seed stream), so the
/// training batches are the same with or without normalisation, and a resumed run need not redraw them.
/// </summary>
public static class InputNormalization
{
    public static async Task<double> EstimateScaleAsync(ActivationCache cache, string split, SaeConfig config, long seed)
    {
        if (config.NormalizeActivations == ActivationNormalization.None) return 1.0;
        await using var batches = ShuffledBatches.Open(cache, split, config.BatchSize, config.ShuffleBufferRows, seed ^ 0x6E6F726D);   // "norm"
        double normSum = 0;
        long rows = 0;
        for (int b = 0; b < config.NormalizationBatches; b++)
        {
            var data = await batches.NextAsync();
            using var scope = NewDisposeScope();
            var x = RowTensors.FromRows(data, config.BatchSize, cache.DIn).to(ScalarType.Float64);
            normSum += x.norm(dim: 1, keepdim: false).sum().item<double>();
            rows += config.BatchSize;
        }
        double meanNorm = normSum / rows;
        if (!(meanNorm > 0) || !double.IsFinite(meanNorm))
            throw new Runtime.PipelineException($"cannot normalise activations: their mean norm over {rows:N0} rows is {meanNorm}", cache.Dir);
        return Math.Sqrt(cache.DIn) / meanNorm;
    }
}
