using static TorchSharp.torch;

namespace SaePipeline.Sae;

/// <summary>
/// The geometric median of a set of points, argmin_m Σ_i ‖x_i − m‖, by Weiszfeld's iteration from the mean:
/// m ← Σ w_i x_i / Σ w_i with w_i = 1/‖x_i − m‖ (docs/sae-training.md §1.2: at most 100 iterations, stop when m moves less
/// than 1e-5). TopK SAEs start b_dec there: unlike the mean, it is not dragged by the few huge-norm tokens
/// (attention sinks, BOS) that residual streams carry.
/// </summary>
public static class GeometricMedian
{
    public static Tensor Of(Tensor points, int maxIterations = 100, double tolerance = 1e-5)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var x = points.to(ScalarType.Float64);
        var median = x.mean([0]);
        for (int i = 0; i < maxIterations; i++)
        {
            // A point sitting on the estimate would get weight 1/0; clamping keeps it finite and the estimate there.
            var weights = 1.0 / (x - median).norm(dim: 1, keepdim: false).clamp_min(1e-12);
            var next = (weights.unsqueeze(1) * x).sum(dim: 0) / weights.sum();
            double moved = (next - median).norm().item<double>();
            median = next;
            if (moved < tolerance) break;
        }
        return median.to(points.dtype).MoveToOuterDisposeScope();
    }
}
