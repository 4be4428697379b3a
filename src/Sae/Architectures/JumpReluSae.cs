using System.Globalization;
using SaePipeline.Config;
using static TorchSharp.torch;

namespace SaePipeline.Sae;

/// <summary>
/// JumpReLU SAE (Rajamanoharan et al. 2024; SAELens "jumprelu", Gemma Scope): pre = (x − b_dec·[apply])·W_enc + b_enc,
/// f = ReLU(pre)·1[pre > θ] with a threshold θ per latent. Ours train as dictionary_learning's JumpReluTrainer does,
/// without subtracting b_dec (apply_b_dec_to_input false, as in Gemma Scope); SAELens folders with either setting load.
/// </summary>
public sealed class JumpReluSae : SparseAutoencoder
{
    /// <summary>Rajamanoharan et al.: per-latent thresholds by a straight-through estimator, an L0 penalty, β1 = 0, clipping.</summary>
    public static readonly SaeArchitectureDefinition Definition = new()
    {
        Id = SaeArchitecture.Jumprelu, SaeLensName = "jumprelu", Keys = ["l0_coefficient", "target_l0", "jumprelu_bandwidth", "jumprelu_init_threshold"],
        Sparsity = c => c.TargetL0 is { } t ? string.Create(CultureInfo.InvariantCulture, $"target L0 {t:G4}")
                                             : string.Create(CultureInfo.InvariantCulture, $"l0 {c.L0Coefficient:G4}"),
        AdamBeta1 = 0.0, MaxGradNorm = 1.0,
        Initialize = (c, dIn, generator, device) =>
        {
            using var scope = NewDisposeScope();
            var (wEnc, bEnc, wDec, bDec) = SaeInitialization.Tied(dIn, c.DSae, generator, device);
            return new JumpReluSae(wEnc, bEnc, wDec, bDec, full([c.DSae], c.JumpreluInitThreshold).to(device).requires_grad_());
        },
        Objective = (c, sae) => new JumpReluObjective(c, SaeArchitectureDefinition.As<JumpReluSae>(sae, SaeArchitecture.Jumprelu)),
    };

    public JumpReluSae(Tensor wEnc, Tensor bEnc, Tensor wDec, Tensor bDec, Tensor threshold, bool applyBDecToInput = false)
        : base(wEnc, wDec, bDec, applyBDecToInput)
    {
        b_enc = bEnc.DetachFromDisposeScope();
        this.threshold = threshold.DetachFromDisposeScope();
        CheckVector(b_enc, DSae, "b_enc");
        CheckVector(this.threshold, DSae, "threshold");
    }

#pragma warning disable IDE1006, CA1707
    public Tensor b_enc { get; }
    public Tensor threshold { get; }
#pragma warning restore IDE1006, CA1707

    public override string SaeLensArchitecture => "jumprelu";
    public override IReadOnlyList<NamedTensor> Parameters =>
        [new("W_enc", W_enc), new("b_enc", b_enc), new("W_dec", W_dec), new("b_dec", b_dec), new("threshold", threshold)];
    protected override IEnumerable<Tensor> BiasesAndThresholds => [b_enc, threshold];

    public override Tensor Encode(Tensor x)
    {
        var pre = PreActivation(x, b_enc);
        return pre.relu().mul_(pre.gt(threshold));
    }
}
