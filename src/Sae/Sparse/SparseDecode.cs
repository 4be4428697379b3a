using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace SaePipeline.Sae;

/// <summary>
/// f·W_dec for k-sparse f (no b_dec), with its exact gradients at the kept entries only:
///   ∂a_i = ∂x̂[r_i]·W_dec[c_i]        (the sampled product; the dense ∂f = ∂x̂·W_decᵀ would be a B×d×d_sae matmul)
///   ∂W_dec[c] = Σ_{i: c_i = c} a_i·∂x̂[r_i]
/// The dense version computes the same sums over a [B, d_sae] matrix that is zero outside the kept entries.
/// </summary>
public sealed class SparseDecode : SingleTensorFunction<SparseDecode>
{
    public override string Name => nameof(SparseDecode);

    /// <summary>[B, d_in]: Σ over each row's kept latents of value × decoder row.</summary>
    public static Tensor Apply(SparseLatents f, Tensor wDec) => apply(f.Values, wDec, f.Rows, f.Cols, f.BatchSize);

    public override Tensor forward(AutogradContext ctx, params object[] vars)
    {
        var (values, wDec, rows, cols, batch) = ((Tensor)vars[0], (Tensor)vars[1], (Tensor)vars[2], (Tensor)vars[3], (long)vars[4]);
        ctx.save_for_backward([values, wDec, rows, cols]);
        return SparseKernels.Combine(rows, cols, values, wDec, batch);
    }

    public override List<Tensor> backward(AutogradContext ctx, Tensor grad)
    {
        var saved = ctx.get_saved_variables();
        var (values, wDec, rows, cols) = (saved[0], saved[1], saved[2], saved[3]);
        var gradValues = values.requires_grad ? SparseKernels.Sampled(rows, cols, grad, wDec) : null;
        var gradDecoder = wDec.requires_grad ? SparseKernels.Scatter(rows, cols, values, grad, wDec.shape[0]) : null;
        return [gradValues!, gradDecoder!, null!, null!, null!];
    }
}
