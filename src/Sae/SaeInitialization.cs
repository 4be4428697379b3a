using SaePipeline.Config;
using static TorchSharp.torch;

namespace SaePipeline.Sae;

/// <summary>
/// Each architecture's initialisation as dictionary_learning writes it (sae-anchors §1.2):
/// <list type="bullet">
/// <item>relu, april_update: see <see cref="ReluSae.Initialize"/>.</item>
/// <item>topk, batch_topk, jumprelu: decoder rows drawn uniformly (nn.Linear's Kaiming-uniform, whose scale the
///   normalisation removes) and set to unit norm; W_enc = W_decᵀ ("tied init", not tied in training); b_enc = 0.
///   TopK's b_dec becomes the geometric median of the first batch (TopKObjective); JumpReLU's thresholds start at
///   jumprelu_init_threshold; BatchTopK's threshold starts unset (−1).</item>
/// <item>gated: Gaussian decoder rows set to unit norm, W_enc = W_decᵀ, b_gate = b_mag = r_mag = 0.</item>
/// </list>
/// </summary>
public static class SaeInitialization
{
    public static SparseAutoencoder Create(SaeConfig c, int dIn, Generator generator, Device device)
    {
        using var scope = NewDisposeScope();
        int dSae = c.DSae;
        Tensor Param(Tensor t) => t.to(device).requires_grad_();
        Tensor Zeros(int n) => Param(zeros([n]));
        switch (c.Architecture)
        {
            case SaeArchitecture.Relu or SaeArchitecture.AprilUpdate:
                return ReluSae.Initialize(dIn, dSae, generator, device, c.Architecture);
            case SaeArchitecture.Topk:
            {
                var wDec = UnitRows(rand([dSae, dIn], generator: generator).mul_(2).sub_(1));
                return new TopKSae(Param(wDec.t().contiguous()), Zeros(dSae), Param(wDec), Zeros(dIn), c.K!.Value);
            }
            case SaeArchitecture.BatchTopk:
            {
                var wDec = UnitRows(rand([dSae, dIn], generator: generator).mul_(2).sub_(1));
                return new BatchTopKSae(Param(wDec.t().contiguous()), Zeros(dSae), Param(wDec), Zeros(dIn), c.K!.Value,
                                        tensor(-1f).to(device));
            }
            case SaeArchitecture.Jumprelu:
            {
                var wDec = UnitRows(rand([dSae, dIn], generator: generator).mul_(2).sub_(1));
                return new JumpReluSae(Param(wDec.t().contiguous()), Zeros(dSae), Param(wDec), Zeros(dIn),
                                       Param(full([dSae], c.JumpreluInitThreshold)));
            }
            case SaeArchitecture.Gated:
            {
                var wDec = UnitRows(randn([dSae, dIn], generator: generator));
                return new GatedSae(Param(wDec.t().contiguous()), Zeros(dSae), Zeros(dSae), Zeros(dSae), Param(wDec), Zeros(dIn));
            }
            default:
                throw new NotSupportedException($"no initialisation for {c.Architecture}");
        }
    }

    static Tensor UnitRows(Tensor w) => w / w.norm(dim: 1, keepdim: true);
}
