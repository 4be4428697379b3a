using SaePipeline.Config;
using static TorchSharp.torch;

namespace SaePipeline.Sae;

/// <summary>
/// BatchTopK SAE (Bussmann et al. 2024). Training keeps the k·B largest ReLU'd pre-activations over the whole batch of
/// B tokens (so L0 averages k but varies per token; see BatchTopKObjective). A batch is not available at inference,
/// so there a single threshold θ, the running average of the smallest activation kept in training, gates each
/// latent: f = ReLU(pre)·1[pre > θ]. That is a JumpReLU with every threshold equal to θ, and SAELens saves it as one
/// (architecture "jumprelu", threshold = θ·1), which is what we write too. Not sealed: the Matryoshka SAE is this
/// model with its latents cut into nested groups (<see cref="MatryoshkaBatchTopKSae"/>).
/// </summary>
public class BatchTopKSae : SparseAutoencoder
{
    /// <summary>Bussmann et al.: k·B over the batch, then one learned threshold at inference; AuxK, gradient clipping.</summary>
    public static readonly SaeArchitectureDefinition Definition = new()
    {
        Id = SaeArchitecture.BatchTopk, SaeLensName = "jumprelu", Keys = ["k", "auxk_coefficient", "aux_k", "threshold_start_step", "threshold_decay"],
        Sparsity = c => $"k {c.K}", MaxGradNorm = 1.0, Validate = Rules,
        Initialize = (c, dIn, generator, device) =>
        {
            using var scope = NewDisposeScope();
            var (wEnc, bEnc, wDec, bDec) = SaeInitialization.Tied(dIn, c.DSae, generator, device);
            return new BatchTopKSae(wEnc, bEnc, wDec, bDec, c.K!.Value, tensor(-1f).to(device));   // θ unset until estimated
        },
        Objective = (c, sae) => new BatchTopKObjective(c, SaeArchitectureDefinition.As<BatchTopKSae>(sae, SaeArchitecture.BatchTopk)),
    };

    /// <summary>k given and at most d_sae, and a threshold that training reaches (Matryoshka's rules too).</summary>
    internal static void Rules(SaeConfig c, ConfigValidation v)
    {
        SaeArchitectures.RequireK(c, v);
        if (c.TrainingTokens >= c.BatchSize && c.ThresholdStartStep >= c.Steps)
            v.Error("threshold_start_step", $"the inference threshold starts at step {c.ThresholdStartStep}, but training has only {c.Steps} steps, " +
                                            "so it would never be estimated; lower threshold_start_step", ConfigCodes.Inconsistent);
    }

    public BatchTopKSae(Tensor wEnc, Tensor bEnc, Tensor wDec, Tensor bDec, int k, Tensor threshold)
        : base(wEnc, wDec, bDec, applyBDecToInput: true)
    {
        b_enc = bEnc.DetachFromDisposeScope();
        CheckVector(b_enc, DSae, "b_enc");
        if (k < 1 || k > DSae) throw new ArgumentException($"k must be in 1..d_sae ({DSae}), got {k}");
        K = k;
        Threshold = threshold.DetachFromDisposeScope();
        if (Threshold.numel() != 1) throw new ArgumentException("the BatchTopK threshold is one number");
    }

#pragma warning disable IDE1006, CA1707
    public Tensor b_enc { get; }
#pragma warning restore IDE1006, CA1707

    public int K { get; }

    /// <summary>θ (a 0-d tensor); negative until the training has estimated it.</summary>
    public Tensor Threshold { get; }

    public override string SaeLensArchitecture => "jumprelu";
    public override IReadOnlyList<NamedTensor> Parameters => [new("W_enc", W_enc), new("b_enc", b_enc), new("W_dec", W_dec), new("b_dec", b_dec)];
    public override IReadOnlyList<NamedTensor> Buffers => [new("threshold", Threshold)];
    protected override IEnumerable<Tensor> BiasesAndThresholds => [b_enc, Threshold];

    public override IReadOnlyList<NamedTensor> SaeLensTensors =>
        [.. Parameters, new("threshold", Threshold.detach().expand(DSae).contiguous())];

    public override Tensor Encode(Tensor x)
    {
        if (Threshold.item<float>() < 0)
            throw new InvalidOperationException("the BatchTopK inference threshold has not been estimated (training stopped before threshold_start_step)");
        var pre = PreActivation(x, b_enc);
        return pre.relu().mul_(pre.gt(Threshold));
    }

    /// <summary>The k·B largest ReLU'd entries of the whole batch, in place of zeros (the training-time encoder).</summary>
    public static Tensor KeepBatchTopK(Tensor pre, int k)
    {
        var relu = pre.relu();
        var flat = relu.flatten();
        long keep = Math.Min((long)k * pre.shape[0], flat.shape[0]);
        var (values, indices) = flat.topk((int)keep, dim: 0, largest: true, sorted: false);
        return zeros_like(flat).scatter(0, indices, values).view(pre.shape);
    }
}
