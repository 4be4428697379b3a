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
    /// <summary>Gao et al.: k per token, AuxK on dead latents, gradient clipping; tied initialisation (<see cref="SaeInitialization.Tied"/>).</summary>
    public static readonly SaeArchitectureDefinition Definition = new()
    {
        Id = SaeArchitecture.Topk, SaeLensName = "topk", Keys = ["k", "auxk_coefficient", "aux_k"],
        Sparsity = c => $"k {c.K}", MaxGradNorm = 1.0, Validate = SaeArchitectures.RequireK,
        Initialize = (c, dIn, generator, device) =>
        {
            using var scope = NewDisposeScope();
            var (wEnc, bEnc, wDec, bDec) = SaeInitialization.Tied(dIn, c.DSae, generator, device);
            return new TopKSae(wEnc, bEnc, wDec, bDec, c.K!.Value);
        },
        Objective = (c, sae) => new TopKObjective(c, SaeArchitectureDefinition.As<TopKSae>(sae, SaeArchitecture.Topk)),
    };

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
