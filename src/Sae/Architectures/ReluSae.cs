using System.Globalization;
using SaePipeline.Config;
using static TorchSharp.torch;

namespace SaePipeline.Sae;

/// <summary>
/// The standard ReLU SAE (SAELens "standard"): f = ReLU((x − b_dec)·W_enc + b_enc), x̂ = f·W_dec + b_dec. Trained by
/// the relu objective (L1, unit-norm decoder), the april_update objective (decoder-norm-weighted L1, free decoder) or the
/// p_anneal objective (L1 annealed toward Lp^p, unit-norm decoder).
/// </summary>
public sealed class ReluSae : SparseAutoencoder
{
    /// <summary>dictionary_learning's StandardTrainer ("Towards Monosemanticity"): L1, unit-norm decoder, optional resampling.</summary>
    public static readonly SaeArchitectureDefinition Relu = new()
    {
        Id = SaeArchitecture.Relu, SaeLensName = "standard", Keys = ["l1_coefficient", "resample_steps"],
        Sparsity = c => string.Create(CultureInfo.InvariantCulture, $"l1 {c.L1Coefficient:G4}"),
        Initialize = (c, dIn, generator, device) => Initialize(dIn, c.DSae, generator, device),
        Objective = (c, sae) => new ReluL1Objective(c, SaeArchitectureDefinition.As<ReluSae>(sae, SaeArchitecture.Relu)),
    };

    /// <summary>Anthropic's April 2024 update: L1 weighted by decoder norms, unconstrained decoder, gradient clipping.</summary>
    public static readonly SaeArchitectureDefinition AprilUpdate = new()
    {
        Id = SaeArchitecture.AprilUpdate, SaeLensName = "standard", Keys = ["l1_coefficient"],
        Sparsity = Relu.Sparsity, MaxGradNorm = 1.0, ConstrainedDecoder = false,
        Initialize = (c, dIn, generator, device) => Initialize(dIn, c.DSae, generator, device, zeroEncoderBias: true),
        Objective = (c, sae) => new AprilUpdateObjective(c, SaeArchitectureDefinition.As<ReluSae>(sae, SaeArchitecture.AprilUpdate)),
    };

    /// <summary>dictionary_learning's PAnnealTrainer: relu's SAE and constrained optimiser, the L1 annealed toward Lp^p, p → p_end.</summary>
    public static readonly SaeArchitectureDefinition PAnneal = new()
    {
        Id = SaeArchitecture.PAnneal, SaeLensName = "standard", Keys = ["l1_coefficient", "p_end", "anneal_start", "n_sparsity_updates"],
        Sparsity = c => string.Create(CultureInfo.InvariantCulture, $"l1 {c.L1Coefficient:G4}, p → {c.EffectivePEnd():G4}"),
        Validate = AnnealRules,
        Initialize = (c, dIn, generator, device) => Initialize(dIn, c.DSae, generator, device),
        Objective = (c, sae) => new PAnnealObjective(c, SaeArchitectureDefinition.As<ReluSae>(sae, SaeArchitecture.PAnneal)),
    };

    /// <summary>p_anneal: annealing starts within training, and every jump of p gets a step of its own.</summary>
    static void AnnealRules(SaeConfig c, ConfigValidation v)
    {
        if (c.TrainingTokens < c.BatchSize) return;   // no steps at all: SaeConfig.Validate said so
        long start = c.EffectiveAnnealStart();
        int jumps = c.EffectiveSparsityUpdates();
        if (start >= c.Steps)
            v.Error("anneal_start", $"p would start annealing at step {start}, but training has only {c.Steps} steps; lower anneal_start", ConfigCodes.Inconsistent);
        else if (jumps > c.Steps - start)
            v.Error("n_sparsity_updates", $"{jumps} jumps of p need as many steps, but only {c.Steps - start} follow anneal_start ({start}); " +
                                          "use fewer jumps or an earlier anneal_start", ConfigCodes.Inconsistent);
    }

    public ReluSae(Tensor wEnc, Tensor bEnc, Tensor wDec, Tensor bDec, bool applyBDecToInput = true)
        : base(wEnc, wDec, bDec, applyBDecToInput)
    {
        b_enc = bEnc.DetachFromDisposeScope();
        CheckVector(b_enc, DSae, "b_enc");
    }

#pragma warning disable IDE1006, CA1707
    public Tensor b_enc { get; }
#pragma warning restore IDE1006, CA1707

    public override string SaeLensArchitecture => "standard";
    public override IReadOnlyList<NamedTensor> Parameters => [new("W_enc", W_enc), new("b_enc", b_enc), new("W_dec", W_dec), new("b_dec", b_dec)];
    protected override IEnumerable<Tensor> BiasesAndThresholds => [b_enc];

    public override Tensor Encode(Tensor x) => PreActivation(x, b_enc).relu_();   // in place: addmm's backward does not need its output

    /// <summary>
    /// dictionary_learning's AutoEncoder initialisation: a Gaussian d_in×d_sae matrix whose columns are scaled to norm
    /// 0.1 is both W_enc and W_decᵀ; b_enc ~ U(±1/√d_in) (nn.Linear's default); b_dec = 0. The constrained optimizer
    /// brings decoder rows to unit norm after the first step. For april_update, b_enc = 0 (SAELens's April-update
    /// initialisation; its decoder stays unconstrained, so the 0.1 norm is where it starts).
    /// </summary>
    public static ReluSae Initialize(int dIn, int dSae, Generator generator, Device device, bool zeroEncoderBias = false)
    {
        using var scope = NewDisposeScope();
        var w = randn([dIn, dSae], generator: generator);
        w = w / w.norm(dim: 0, keepdim: true) * 0.1;
        double bound = 1.0 / Math.Sqrt(dIn);
        var bEnc = rand([dSae], generator: generator).mul_(2 * bound).sub_(bound);
        if (zeroEncoderBias) bEnc.zero_();
        return new ReluSae(
            SaeInitialization.EncoderParam(w.t(), device),
            bEnc.to(device).requires_grad_(),
            w.t().contiguous().to(device).requires_grad_(),
            zeros([dIn], device: device).requires_grad_());
    }
}
