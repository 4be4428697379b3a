using SaePipeline.Config;
using static TorchSharp.torch;

namespace SaePipeline.Sae;

/// <summary>
/// Each architecture's initialisation as dictionary_learning writes it (docs/sae-training.md §1.2), declared in its definition:
/// <list type="bullet">
/// <item>relu, april_update, p_anneal: see <see cref="ReluSae.Initialize"/>.</item>
/// <item>topk, batch_topk, matryoshka_batch_topk, jumprelu: <see cref="Tied"/>. TopK's b_dec becomes the geometric median of the first batch
///   (TopKObjective); JumpReLU's thresholds start at jumprelu_init_threshold; BatchTopK's threshold starts unset (−1).</item>
/// <item>gated: Gaussian decoder rows set to unit norm, W_enc = W_decᵀ, b_gate = b_mag = r_mag = 0.</item>
/// </list>
/// </summary>
public static class SaeInitialization
{
    public static SparseAutoencoder Create(SaeConfig c, int dIn, Generator generator, Device device) =>
        SaeArchitectures.Of(c).Initialize(c, dIn, generator, device);

    /// <summary>
    /// Decoder rows drawn uniformly (nn.Linear's Kaiming-uniform, whose scale the normalisation removes) and set to unit
    /// norm; W_enc = W_decᵀ ("tied init", not tied in training); b_enc = b_dec = 0. Trainable tensors on the device.
    /// </summary>
    public static (Tensor WEnc, Tensor BEnc, Tensor WDec, Tensor BDec) Tied(int dIn, int dSae, Generator generator, Device device)
    {
        var wDec = UnitRows(rand([dSae, dIn], generator: generator).mul_(2).sub_(1));
        return (EncoderParam(wDec.clone(), device), Param(zeros([dSae]), device), Param(wDec, device), Param(zeros([dIn]), device));
    }

    /// <summary>
    /// A trainable W_enc [d_in, d_sae] from its transpose [d_sae, d_in], stored latent-major (strides (1, d_in)): each
    /// latent's encoder column is contiguous. The values are the same; the layout decides which product libtorch's addmm
    /// backward uses for ∂W_enc: (∂preᵀ·x)ᵀ here instead of xᵀ·∂pre, which runs about 15% faster on the CI machine and
    /// raised relu's and april_update's `stages bench` ratios by up to 0.06 (README, "Performance"). A chunk of latents
    /// (W_enc[:, a..b], KSparseSelection) is then one contiguous block, and TopK's scattered ∂W_enc is already in this
    /// layout. Saved files are unaffected (safetensors are written from a contiguous copy); an SAE loaded from one keeps
    /// the file's row-major layout, so its products round differently from the trained object's.
    /// </summary>
    public static Tensor EncoderParam(Tensor transposed, Device device) => transposed.contiguous().to(device).t().requires_grad_();

    public static Tensor UnitRows(Tensor w) => w / w.norm(dim: 1, keepdim: true);

    static Tensor Param(Tensor t, Device device) => t.to(device).requires_grad_();
}
