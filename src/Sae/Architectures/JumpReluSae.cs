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

    public override SaeArchitecture Architecture => SaeArchitecture.Jumprelu;
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
