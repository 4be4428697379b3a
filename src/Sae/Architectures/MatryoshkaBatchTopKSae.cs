using System.Globalization;
using SaePipeline.Config;
using static TorchSharp.torch;

namespace SaePipeline.Sae;

/// <summary>
/// Matryoshka BatchTopK SAE (Bussmann et al. 2025, "Learning Multi-Level Features with Matryoshka Sparse
/// Autoencoders"): a BatchTopK SAE whose latents are cut into nested groups, innermost first. Training asks every
/// prefix of groups 1…g to reconstruct x on its own (MatryoshkaBatchTopKObjective), so the first latents learn the
/// general features and later ones refine them instead of absorbing them. At inference it is BatchTopK's model, the
/// groups play no part, and it is saved the same way (SAELens "jumprelu", threshold = θ·1).
/// </summary>
public sealed class MatryoshkaBatchTopKSae : BatchTopKSae
{
    /// <summary>dictionary_learning's MatryoshkaBatchTopKTrainer: BatchTopK's selection, threshold, AuxK, clipping and initialisation.</summary>
    public static new readonly SaeArchitectureDefinition Definition = new()
    {
        Id = SaeArchitecture.MatryoshkaBatchTopk, SaeLensName = "jumprelu",
        Keys = ["k", "auxk_coefficient", "aux_k", "threshold_start_step", "threshold_decay", "group_fractions", "group_weights"],
        Sparsity = c => $"k {c.K}", MaxGradNorm = 1.0,
        Validate = (c, v) =>
        {
            Rules(c, v);
            GroupRules(c, v);
        },
        Initialize = (c, dIn, generator, device) =>
        {
            using var scope = NewDisposeScope();
            var (wEnc, bEnc, wDec, bDec) = SaeInitialization.Tied(dIn, c.DSae, generator, device);
            return new MatryoshkaBatchTopKSae(wEnc, bEnc, wDec, bDec, c.K!.Value, tensor(-1f).to(device), GroupSizesFor(c.EffectiveGroupFractions(), c.DSae));
        },
        Objective = (c, sae) => new MatryoshkaBatchTopKObjective(c, SaeArchitectureDefinition.As<MatryoshkaBatchTopKSae>(sae, SaeArchitecture.MatryoshkaBatchTopk)),
    };

    public MatryoshkaBatchTopKSae(Tensor wEnc, Tensor bEnc, Tensor wDec, Tensor bDec, int k, Tensor threshold, IReadOnlyList<int> groupSizes)
        : base(wEnc, bEnc, wDec, bDec, k, threshold)
    {
        if (groupSizes.Count == 0 || groupSizes.Any(s => s < 1) || groupSizes.Sum() != DSae)
            throw new ArgumentException($"group sizes [{string.Join(", ", groupSizes)}] must be positive and add up to d_sae ({DSae})");
        GroupSizes = [.. groupSizes];
    }

    /// <summary>Latents per group, innermost first; they add up to d_sae (dictionary_learning's group_sizes buffer).</summary>
    public IReadOnlyList<int> GroupSizes { get; }

    /// <summary>
    /// x̂_{≤g} for g = 1…G: b_dec plus the latents of groups 1…g decoded. Each is the previous one plus its group's partial
    /// decode f[:, group]·W_dec[group], so all G reconstructions together cost one full decode, not G.
    /// </summary>
    public IReadOnlyList<Tensor> PrefixReconstructions(Tensor f)
    {
        var prefixes = new List<Tensor>(GroupSizes.Count);
        var xHat = b_dec;
        long start = 0;
        foreach (int size in GroupSizes)
        {
            var latents = f.narrow(1, start, size);
            var rows = W_dec.narrow(0, start, size);
            // In bfloat16 only the product is rounded: the running sum stays in float32.
            xHat = MatmulDtype == ScalarType.Float32
                ? addmm(xHat, latents, rows, beta: 1, alpha: 1)
                : xHat + latents.to(MatmulDtype).matmul(rows.to(MatmulDtype)).to(ScalarType.Float32);
            prefixes.Add(xHat);
            start += size;
        }
        return prefixes;
    }

    /// <summary>
    /// ⌊f_g·d_sae⌋ latents for every group but the last, which takes the rest (dictionary_learning's rule, so its demo
    /// fractions give the same groups). The 1e-9 keeps a product like 0.3·10 = 2.9999… from losing a latent.
    /// </summary>
    public static int[] GroupSizesFor(IReadOnlyList<double> fractions, int dSae)
    {
        var sizes = fractions.Take(fractions.Count - 1).Select(f => (int)Math.Floor(f * dSae + 1e-9)).ToList();
        sizes.Add(dSae - sizes.Sum());
        return [.. sizes];
    }

    /// <summary>group_fractions positive, summing to 1, every group with a latent; group_weights one per group, positive.</summary>
    static void GroupRules(SaeConfig c, ConfigValidation v)
    {
        var fractions = c.EffectiveGroupFractions();
        string which = c.GroupFractions is null ? "the default group_fractions" : "group_fractions";
        if (fractions.Any(f => !(f > 0)))
        {
            v.Error("group_fractions", $"every fraction must be > 0, got [{List(fractions)}]");
            return;
        }
        double sum = fractions.Sum();
        if (Math.Abs(sum - 1) > 1e-6)
        {
            v.Error("group_fractions", $"must sum to 1 (each is a share of d_sae), got [{List(fractions)}], which sums to {sum.ToString("G6", CultureInfo.InvariantCulture)}");
            return;
        }
        if (fractions.Count > c.DSae && c.DSae >= 1)
            v.Error("group_fractions", $"{fractions.Count} groups need at least {fractions.Count} latents, but d_sae is {c.DSae}", ConfigCodes.Inconsistent);
        else if (c.DSae >= 1)
        {
            var sizes = GroupSizesFor(fractions, c.DSae);
            int empty = Array.FindIndex(sizes, s => s < 1);
            if (empty >= 0)
                v.Error("group_fractions", $"{which} [{List(fractions)}] give group {empty + 1} no latents at d_sae {c.DSae} " +
                                           $"(sizes [{string.Join(", ", sizes)}]); use fewer or larger fractions, or a larger d_sae", ConfigCodes.Inconsistent);
        }
        if (c.GroupWeights is { } weights)
        {
            if (weights.Count != fractions.Count)
                v.Error("group_weights", $"needs one weight per group: {fractions.Count} groups ({which}), got {weights.Count} weights", ConfigCodes.Inconsistent);
            else if (weights.Any(w => !(w > 0)))
                v.Error("group_weights", $"every weight must be > 0, got [{List(weights)}]");
        }
    }

    static string List(IEnumerable<double> values) => string.Join(", ", values.Select(x => x.ToString("G6", CultureInfo.InvariantCulture)));
}
