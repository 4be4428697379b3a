using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace SaePipeline.Sae;

/// <summary>A tensor with the name it has in SAELens's sae_weights.safetensors.</summary>
public sealed record NamedTensor(string Name, Tensor Tensor);

/// <summary>
/// What every SAE shares, in SAELens's layout and names (docs/sae-training.md §2.1): W_enc [d_in, d_sae], W_dec [d_sae, d_in]
/// (rows are the latents' directions), b_dec [d_in]; x̂ = f·W_dec + b_dec. Subclasses define the encoder (and hold
/// its biases, thresholds and gates). <see cref="Encode"/> is the inference encoder SAELens and SAEBench apply to
/// the saved files; training-only behaviour (BatchTopK's batch-wide selection, JumpReLU's straight-through
/// gradients) lives in the objectives, which reach these tensors directly.
/// </summary>
public abstract class SparseAutoencoder : IDisposable
{
    protected SparseAutoencoder(Tensor wEnc, Tensor wDec, Tensor bDec, bool applyBDecToInput)
    {
        W_enc = wEnc.DetachFromDisposeScope();
        W_dec = wDec.DetachFromDisposeScope();
        b_dec = bDec.DetachFromDisposeScope();
        ApplyBDecToInput = applyBDecToInput;
        if (W_enc.ndim != 2 || W_dec.ndim != 2 || b_dec.ndim != 1 || W_enc.shape[0] != DIn || W_enc.shape[1] != DSae || W_dec.shape[1] != DIn)
            throw new ArgumentException($"inconsistent SAE shapes: W_enc [{Shape(W_enc)}], W_dec [{Shape(W_dec)}], b_dec [{Shape(b_dec)}]");
    }

#pragma warning disable IDE1006, CA1707 // the field's names, as SAELens and the papers write them
    public Tensor W_enc { get; }
    public Tensor W_dec { get; }
    public Tensor b_dec { get; }
#pragma warning restore IDE1006, CA1707

    public int DIn => (int)b_dec.shape[0];
    public int DSae => (int)W_dec.shape[0];

    /// <summary>SAELens's <c>apply_b_dec_to_input</c>: subtract b_dec from x before encoding (Gemma Scope and our JumpReLU: no).</summary>
    public bool ApplyBDecToInput { get; }

    /// <summary>The <c>architecture</c> written to cfg.json: standard, topk, jumprelu or gated.</summary>
    public abstract string SaeLensArchitecture { get; }

    /// <summary>The trained tensors, in a fixed order (Adam's state and checkpoints are indexed by it), with their file names.</summary>
    public abstract IReadOnlyList<NamedTensor> Parameters { get; }

    /// <summary>State saved with the SAE but not trained by gradient (BatchTopK's threshold).</summary>
    public virtual IReadOnlyList<NamedTensor> Buffers => [];

    /// <summary>What sae_weights.safetensors holds.</summary>
    public virtual IReadOnlyList<NamedTensor> SaeLensTensors => Parameters;

    /// <summary>Architecture-specific cfg.json keys (e.g. <c>k</c>).</summary>
    public virtual JsonObject SaeLensConfig() => [];

    /// <summary>The dtype of the SAE's tensors, and of its inputs and outputs: float32, unless it was loaded in a model's
    /// dtype for evaluation (SaeLensFormat.Load).</summary>
    public ScalarType Dtype => W_dec.dtype;

    /// <summary>Precision of the encoder and decoder matmuls during training (float32 master weights either way).</summary>
    public ScalarType MatmulDtype { get; set; } = ScalarType.Float32;

    /// <summary>Latent activations f [B, d_sae] of x [B, d_in], as SAELens computes them from the saved files.</summary>
    public abstract Tensor Encode(Tensor x);

    /// <summary>
    /// x̂ = f·W_dec + b_dec. Without gradient (evaluation), on the CPU in float32, latents with at most 1/16 of their entries
    /// non-zero (a TopK or trained SAE's) are decoded from those entries alone (<see cref="SparseKernels.Combine"/>): n·d
    /// multiply-adds instead of the dense B·d_sae·d, the same sums in another order.
    /// </summary>
    public Tensor Decode(Tensor f)
    {
        if (!is_grad_enabled() && f.ndim == 2 && f.device.type == TorchSharp.DeviceType.CPU && f.dtype == ScalarType.Float32
            && W_dec.dtype == ScalarType.Float32 && MatmulDtype == ScalarType.Float32)
        {
            using var scope = NewDisposeScope();
            if (f.count_nonzero().item<long>() * 16 <= f.numel())
            {
                var nonZero = f.nonzero();
                var (rows, cols) = (nonZero[.., 0], nonZero[.., 1]);
                return SparseKernels.Combine(rows, cols, f.index(rows, cols), W_dec, f.shape[0]).add_(b_dec).MoveToOuterDisposeScope();
            }
        }
        return Affine(b_dec, f, W_dec);
    }

    public Tensor Reconstruct(Tensor x) => Decode(Encode(x));

    /// <summary>
    /// Folds an input scale into the SAE: after training on s·x, dividing every bias and threshold (and b_dec) by s
    /// gives an SAE on raw x whose latents are f/s and whose reconstruction is x̂/s, with the same decoder directions
    /// (dictionary_learning's scale_biases). Every encoder here is positively homogeneous in (x, biases, thresholds).
    /// </summary>
    public void FoldInputScale(double s)
    {
        using var noGrad = no_grad();
        foreach (var t in BiasesAndThresholds.Append(b_dec)) t.div_(s);
    }

    /// <summary>Every tensor that scales with the input (biases, thresholds), except b_dec.</summary>
    protected abstract IEnumerable<Tensor> BiasesAndThresholds { get; }

    /// <summary>
    /// (x − b_dec·[apply_b_dec_to_input])·W_enc + bias. Under autograd it is computed as x·W_enc + (bias − b_dec·W_enc),
    /// the same function: autograd then reaches b_dec through a d_in-vector instead of through the [B, d_in] input, which
    /// saves a sixth B×d_in×d_sae matmul (∂(x − b_dec) = ∂pre·W_encᵀ), about 17% of a training step's FLOPs. Without
    /// gradients (evaluation) it is SAELens's own order of operations, so an SAE cast to bfloat16 rounds as SAEBench's does.
    /// </summary>
    public Tensor PreActivation(Tensor x, Tensor bias)
    {
        if (!ApplyBDecToInput) return Affine(bias, x, W_enc);
        return is_grad_enabled() ? Affine(EncoderBias(bias), x, W_enc) : Affine(bias, x - b_dec, W_enc);
    }

    /// <summary>The bias of pre = x·W_enc + bias' in training: bias − b_dec·W_enc when b_dec is subtracted from the input.</summary>
    public Tensor EncoderBias(Tensor bias) => ApplyBDecToInput ? bias - b_dec.matmul(W_enc) : bias;

    /// <summary>bias + a·w, with the product in <see cref="MatmulDtype"/> and the result in float32.</summary>
    protected Tensor Affine(Tensor bias, Tensor a, Tensor w)
    {
        if (MatmulDtype == ScalarType.Float32) return addmm(bias, a, w, beta: 1, alpha: 1);
        // Casting inside the graph keeps float32 master weights: the gradient flows back through the casts.
        return addmm(bias.to(MatmulDtype), a.to(MatmulDtype), w.to(MatmulDtype), beta: 1, alpha: 1).to(ScalarType.Float32);
    }

    public void Dispose()
    {
        foreach (var t in Parameters.Concat(Buffers)) t.Tensor.Dispose();
        GC.SuppressFinalize(this);
    }

    protected static string Shape(Tensor t) => string.Join(",", t.shape);

    protected void CheckVector(Tensor t, long length, string name)
    {
        if (t.ndim != 1 || t.shape[0] != length)
            throw new ArgumentException($"{name} has shape [{Shape(t)}], expected [{length}]");
    }
}
