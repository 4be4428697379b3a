using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace SaePipeline.Sae;

/// <summary>
/// The kept entries pre[r_i, c_i] of pre = x·W_enc + bias, as a differentiable function of W_enc and bias, with values
/// the caller already computed (the selection needs every pre-activation, so they exist; recomputing n dot products
/// would only repeat them). The gradient is the dense one restricted to the kept entries, where it is non-zero:
///   ∂W_enc[:, c] = Σ_{i: c_i = c} ∂a_i·x[r_i]        ∂bias[c] = Σ_{i: c_i = c} ∂a_i
/// which skips the dense ∂W_enc = xᵀ·∂pre, a d×B×d_sae matmul over a matrix with k non-zeros per row. x is data: no ∂x.
/// </summary>
public sealed class KeptPreActivations : SingleTensorFunction<KeptPreActivations>
{
    public override string Name => nameof(KeptPreActivations);

    /// <param name="values">[n] pre[r_i, c_i], computed without gradient.</param>
    /// <param name="x">[B, d_in] the encoder's input (the same x the values came from).</param>
    /// <param name="wEnc">[d_in, d_sae].</param>
    /// <param name="bias">[d_sae] the bias added to x·W_enc (may itself depend on b_enc and b_dec).</param>
    public static Tensor Apply(Tensor values, Tensor rows, Tensor cols, Tensor x, Tensor wEnc, Tensor bias)
    {
        if (x.requires_grad) throw new ArgumentException("the sparse encoder gradient assumes x is data (no gradient for x)");
        return apply(values, x, wEnc, bias, rows, cols);
    }

    public override Tensor forward(AutogradContext ctx, params object[] vars)
    {
        var (values, x, wEnc, bias, rows, cols) = ((Tensor)vars[0], (Tensor)vars[1], (Tensor)vars[2], (Tensor)vars[3], (Tensor)vars[4], (Tensor)vars[5]);
        ctx.save_for_backward([x, rows, cols]);
        ctx.save_data("d_sae", wEnc.shape[1]);
        ctx.save_data("grad_w_enc", wEnc.requires_grad);
        ctx.save_data("grad_bias", bias.requires_grad);
        return values.clone();
    }

    public override List<Tensor> backward(AutogradContext ctx, Tensor grad)
    {
        var saved = ctx.get_saved_variables();
        var (x, rows, cols) = (saved[0], saved[1], saved[2]);
        long dSae = (long)ctx.get_data("d_sae");
        // W_enc is [d_in, d_sae]: its gradient is the transpose of an [d_sae, d_in] scatter of x's rows.
        var gradEncoder = (bool)ctx.get_data("grad_w_enc") ? SparseKernels.Scatter(rows, cols, grad, x, dSae).t() : null;
        var gradBias = (bool)ctx.get_data("grad_bias") ? zeros([dSae], grad.dtype, grad.device).index_add_(0, cols, grad, 1) : null;
        return [null!, null!, gradEncoder!, gradBias!, null!, null!];
    }
}
