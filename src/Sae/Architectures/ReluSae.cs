using SaePipeline.Config;
using static TorchSharp.torch;

namespace SaePipeline.Sae;

/// <summary>
/// The standard ReLU SAE (SAELens "standard"): f = ReLU((x − b_dec)·W_enc + b_enc), x̂ = f·W_dec + b_dec. Trained by
/// the relu objective (L1, unit-norm decoder) or the april_update objective (decoder-norm-weighted L1, free decoder).
/// </summary>
public sealed class ReluSae : SparseAutoencoder
{
    public ReluSae(Tensor wEnc, Tensor bEnc, Tensor wDec, Tensor bDec, SaeArchitecture architecture = SaeArchitecture.Relu, bool applyBDecToInput = true)
        : base(wEnc, wDec, bDec, applyBDecToInput)
    {
        b_enc = bEnc.DetachFromDisposeScope();
        CheckVector(b_enc, DSae, "b_enc");
        if (architecture is not (SaeArchitecture.Relu or SaeArchitecture.AprilUpdate))
            throw new ArgumentException($"a ReLU SAE is trained as relu or april_update, not {architecture}");
        Architecture = architecture;
    }

#pragma warning disable IDE1006, CA1707
    public Tensor b_enc { get; }
#pragma warning restore IDE1006, CA1707

    public override SaeArchitecture Architecture { get; }
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
    public static ReluSae Initialize(int dIn, int dSae, Generator generator, Device device, SaeArchitecture architecture = SaeArchitecture.Relu)
    {
        using var scope = NewDisposeScope();
        var w = randn([dIn, dSae], generator: generator);
        w = w / w.norm(dim: 0, keepdim: true) * 0.1;
        double bound = 1.0 / Math.Sqrt(dIn);
        var bEnc = rand([dSae], generator: generator).mul_(2 * bound).sub_(bound);
        if (architecture == SaeArchitecture.AprilUpdate) bEnc.zero_();
        return new ReluSae(
            w.clone().to(device).requires_grad_(),
            bEnc.to(device).requires_grad_(),
            w.t().contiguous().to(device).requires_grad_(),
            zeros([dIn], device: device).requires_grad_(),
            architecture);
    }
}
