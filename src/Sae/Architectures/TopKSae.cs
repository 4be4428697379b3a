using System.Text.Json.Nodes;
using SaePipeline.Config;
using static TorchSharp.torch;

namespace SaePipeline.Sae;

/// <summary>
/// TopK SAE (Gao et al. 2024; SAELens "topk"): f = TopK_k(ReLU((x − b_dec)·W_enc + b_enc)), exactly the k largest
/// pre-activations of each token kept (fewer when fewer are positive), x̂ = f·W_dec + b_dec.
/// </summary>
public sealed class TopKSae : SparseAutoencoder
{
    public TopKSae(Tensor wEnc, Tensor bEnc, Tensor wDec, Tensor bDec, int k, bool applyBDecToInput = true)
        : base(wEnc, wDec, bDec, applyBDecToInput)
    {
        b_enc = bEnc.DetachFromDisposeScope();
        CheckVector(b_enc, DSae, "b_enc");
        if (k < 1 || k > DSae) throw new ArgumentException($"k must be in 1..d_sae ({DSae}), got {k}");
        K = k;
    }

#pragma warning disable IDE1006, CA1707
    public Tensor b_enc { get; }
#pragma warning restore IDE1006, CA1707

    public int K { get; }
    public override SaeArchitecture Architecture => SaeArchitecture.Topk;
    public override string SaeLensArchitecture => "topk";
    public override IReadOnlyList<NamedTensor> Parameters => [new("W_enc", W_enc), new("b_enc", b_enc), new("W_dec", W_dec), new("b_dec", b_dec)];
    protected override IEnumerable<Tensor> BiasesAndThresholds => [b_enc];

    public override JsonObject SaeLensConfig() => new() { ["k"] = K, ["rescale_acts_by_decoder_norm"] = false };

    public override Tensor Encode(Tensor x) => KeepTopK(PreActivation(x, b_enc), K);

    /// <summary>The k largest entries of each row, ReLU'd, in place of a zero row. The gradient reaches only those entries.</summary>
    public static Tensor KeepTopK(Tensor pre, int k)
    {
        var (values, indices) = pre.topk(k, dim: -1, largest: true, sorted: false);
        return zeros_like(pre).scatter(-1, indices, values.relu());
    }
}
