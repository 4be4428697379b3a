using SaePipeline.Config;
using static TorchSharp.torch;

namespace SaePipeline.Sae;

/// <summary>
/// Gated SAE (Rajamanoharan et al. 2024; SAELens "gated"): one encoder matrix, two paths.
///   π = (x − b_dec)·W_enc;  gate = 1[π + b_gate > 0];  magnitude = ReLU(π ⊙ exp(r_mag) + b_mag);  f = gate ⊙ magnitude
/// The gate decides which latents fire, the magnitude path how strongly; r_mag rescales W_enc per latent for the
/// magnitudes. The gate's Heaviside passes no gradient, so the gate learns from the objective's L1 and auxiliary terms.
/// </summary>
public sealed class GatedSae : SparseAutoencoder
{
    /// <summary>Rajamanoharan et al.: L1 on the gate, an auxiliary loss, β1 = 0; Gaussian tied initialisation.</summary>
    public static readonly SaeArchitectureDefinition Definition = new()
    {
        Id = SaeArchitecture.Gated, SaeLensName = "gated", Keys = ["l1_coefficient"],
        Sparsity = ReluSae.Relu.Sparsity, AdamBeta1 = 0.0,
        Initialize = (c, dIn, generator, device) =>
        {
            using var scope = NewDisposeScope();
            var wDec = SaeInitialization.UnitRows(randn([c.DSae, dIn], generator: generator));
            Tensor Zeros(int n) => zeros([n]).to(device).requires_grad_();
            return new GatedSae(SaeInitialization.EncoderParam(wDec.clone(), device), Zeros(c.DSae), Zeros(c.DSae), Zeros(c.DSae),
                                wDec.to(device).requires_grad_(), Zeros(dIn));
        },
        Objective = (c, sae) => new GatedObjective(c, SaeArchitectureDefinition.As<GatedSae>(sae, SaeArchitecture.Gated)),
    };

    public GatedSae(Tensor wEnc, Tensor bGate, Tensor rMag, Tensor bMag, Tensor wDec, Tensor bDec, bool applyBDecToInput = true)
        : base(wEnc, wDec, bDec, applyBDecToInput)
    {
        b_gate = bGate.DetachFromDisposeScope();
        r_mag = rMag.DetachFromDisposeScope();
        b_mag = bMag.DetachFromDisposeScope();
        CheckVector(b_gate, DSae, "b_gate");
        CheckVector(r_mag, DSae, "r_mag");
        CheckVector(b_mag, DSae, "b_mag");
    }

#pragma warning disable IDE1006, CA1707
    public Tensor b_gate { get; }
    public Tensor r_mag { get; }
    public Tensor b_mag { get; }
#pragma warning restore IDE1006, CA1707

    public override string SaeLensArchitecture => "gated";
    public override IReadOnlyList<NamedTensor> Parameters =>
        [new("W_enc", W_enc), new("b_gate", b_gate), new("r_mag", r_mag), new("b_mag", b_mag), new("W_dec", W_dec), new("b_dec", b_dec)];
    protected override IEnumerable<Tensor> BiasesAndThresholds => [b_gate, b_mag];

    /// <summary>π = (x − b_dec·[apply])·W_enc, written as x·W_enc − b_dec·W_enc (see <see cref="SparseAutoencoder.PreActivation"/>).</summary>
    public Tensor Projection(Tensor x) => PreActivation(x, zeros_like(b_gate));

    /// <summary>(f, ReLU(π + b_gate)): the latents and the gate path's pre-activation after ReLU, which the L1 and auxiliary terms use.</summary>
    public (Tensor Latents, Tensor GateActivation) EncodeWithGate(Tensor x)
    {
        var pi = Projection(x);
        var gatePre = pi + b_gate;
        var magnitude = (pi * r_mag.exp() + b_mag).relu_();
        return (magnitude * gatePre.gt(0), gatePre.relu());
    }

    public override Tensor Encode(Tensor x) => EncodeWithGate(x).Latents;
}
