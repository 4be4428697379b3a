using System.Numerics;
using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace SaePipeline.Sae;

/// <summary>
/// A ReLU SAE's training encoder, f = ReLU(x·W_enc + bias), together with its column sums s_i = Σ_b f_bi (the L1 penalty
/// and April-update's decoder-norm-weighted L1 are both functions of s), with exact gradients:
///   ∂pre_bi = (∂f_bi + ∂s_i)·1[f_bi > 0],   ∂W_enc = xᵀ·∂pre,   ∂bias_i = Σ_b ∂pre_bi
/// Autograd computes the same thing in six passes over [B, d_sae] besides the two matmuls (writing the bias under the
/// product, the ReLU, the column sums, adding the penalty's gradient to the decoder's, the ReLU's mask, the bias
/// gradient's column sums); here it is one pass forward and one backward, each parallel over fixed blocks of rows whose
/// partial column sums are added in block order, so the sums do not depend on the thread count. CPU and float32 only:
/// elsewhere <see cref="Apply"/> returns autograd's version of the same function.
/// </summary>
public sealed class ReluEncoder : MultiTensorFunction<ReluEncoder>
{
    const int BlockRows = 64;

    public override string Name => nameof(ReluEncoder);

    /// <returns>f [B, d_sae] and its column sums [d_sae].</returns>
    public static (Tensor Latents, Tensor ColumnSums) Apply(ReluSae sae, Tensor x)
    {
        var bias = sae.EncoderBias(sae.b_enc);
        if (x.device.type != TorchSharp.DeviceType.CPU || sae.MatmulDtype != ScalarType.Float32 || x.dtype != ScalarType.Float32 || x.requires_grad)
        {
            var f = sae.PreActivation(x, sae.b_enc).relu_();
            return (f, f.sum(dim: 0));
        }
        var outputs = apply(x, sae.W_enc, bias);
        return (outputs[0], outputs[1]);
    }

    public override List<Tensor> forward(AutogradContext ctx, params object[] vars)
    {
        var (x, wEnc, bias) = ((Tensor)vars[0], (Tensor)vars[1], (Tensor)vars[2]);
        var f = x.matmul(wEnc);
        var sums = BiasReluAndSum(f, bias.contiguous());
        ctx.save_for_backward([x, f]);
        ctx.save_data("grad_w_enc", wEnc.requires_grad);
        return [f, sums];
    }

    public override List<Tensor> backward(AutogradContext ctx, List<Tensor> grads)
    {
        var saved = ctx.get_saved_variables();
        var (x, f) = (saved[0], saved[1]);
        var (gradPre, gradBias) = MaskAndSum(f, grads[0].contiguous(), grads[1].contiguous());
        var gradEncoder = (bool)ctx.get_data("grad_w_enc") ? x.t().matmul(gradPre) : null;
        return [null!, gradEncoder!, gradBias];
    }

    /// <summary>pre ← ReLU(pre + bias) in place; returns the column sums.</summary>
    static unsafe Tensor BiasReluAndSum(Tensor pre, Tensor bias)
    {
        int rows = (int)pre.shape[0], cols = (int)pre.shape[1], blocks = (rows + BlockRows - 1) / BlockRows;
        using var partial = zeros([blocks, cols], ScalarType.Float32);
        nint p = SparseKernels.Data(pre), b = SparseKernels.Data(bias), s = SparseKernels.Data(partial);
        Parallel.For(0, blocks, block =>
        {
            float* bias = (float*)b, sum = (float*)s + (long)block * cols;
            for (int r = block * BlockRows; r < Math.Min(rows, (block + 1) * BlockRows); r++)
            {
                float* row = (float*)p + (long)r * cols;
                int j = 0, width = Vector<float>.Count;
                for (; j <= cols - width; j += width)
                {
                    var v = Vector.Max(Vector.Load(row + j) + Vector.Load(bias + j), Vector<float>.Zero);
                    Vector.Store(v, row + j);
                    Vector.Store(Vector.Load(sum + j) + v, sum + j);
                }
                for (; j < cols; j++)
                {
                    float v = Math.Max(row[j] + bias[j], 0f);
                    row[j] = v;
                    sum[j] += v;
                }
            }
        });
        return partial.sum(dim: 0);
    }

    /// <summary>∂pre = (∂f + ∂s)·1[f > 0] (a new tensor) and its column sums.</summary>
    static unsafe (Tensor GradPre, Tensor ColumnSums) MaskAndSum(Tensor f, Tensor gradF, Tensor gradSums)
    {
        int rows = (int)f.shape[0], cols = (int)f.shape[1], blocks = (rows + BlockRows - 1) / BlockRows;
        var gradPre = empty([rows, cols], ScalarType.Float32);
        using var partial = zeros([blocks, cols], ScalarType.Float32);
        nint pf = SparseKernels.Data(f), pg = SparseKernels.Data(gradF), ps = SparseKernels.Data(gradSums);
        nint po = SparseKernels.Data(gradPre), pp = SparseKernels.Data(partial);
        Parallel.For(0, blocks, block =>
        {
            float* extra = (float*)ps, sum = (float*)pp + (long)block * cols;
            for (int r = block * BlockRows; r < Math.Min(rows, (block + 1) * BlockRows); r++)
            {
                long offset = (long)r * cols;
                float* fr = (float*)pf + offset, gr = (float*)pg + offset, or = (float*)po + offset;
                int j = 0, width = Vector<float>.Count;
                for (; j <= cols - width; j += width)
                {
                    var active = Vector.GreaterThan(Vector.Load(fr + j), Vector<float>.Zero);
                    var v = Vector.ConditionalSelect(active, Vector.Load(gr + j) + Vector.Load(extra + j), Vector<float>.Zero);
                    Vector.Store(v, or + j);
                    Vector.Store(Vector.Load(sum + j) + v, sum + j);
                }
                for (; j < cols; j++)
                {
                    float v = fr[j] > 0 ? gr[j] + extra[j] : 0f;
                    or[j] = v;
                    sum[j] += v;
                }
            }
        });
        return (gradPre, partial.sum(dim: 0));
    }
}
