using System.Text.Json.Nodes;
using SaePipeline.Config;
using static TorchSharp.torch;

namespace SaePipeline.Sae;

/// <summary>
/// p_anneal: dictionary_learning's PAnnealTrainer in its "Lp^p" form, the one SAEBench's suite trains
/// (docs/sae-training.md §1.2). relu's SAE, initialisation and unit-norm decoder, with the L1 penalty annealed toward
/// Lp^p, p &lt; 1, which is closer to L0 and shrinks large activations less:
///   L = R(x, x̂) + α·s(t)·mean_b Σ_i f_i^p
/// Before anneal_start p = 1 and this is the relu objective. Then n = n_sparsity_updates jumps, at steps
/// t_j = anneal_start + ⌊j·(T − anneal_start)/n⌋ (j = 0…n−1), set p_j = p_end + (1 − p_end)·(n − j − 1)/n, so p reaches
/// p_end at the last jump and trains there for the last (T − anneal_start)/n steps. (dictionary_learning's first update
/// sets p to 1 again and its last falls on step T, which is never taken, so its p stops one jump short of p_end.)
/// Lowering p raises f^p where f &lt; 1, so at each jump α ← α·mean(Lp^p at the old p)/mean(Lp^p at the new p), the means
/// over the last 10 steps up to and including the jump (fewer where the previous jump is nearer): the penalty keeps its
/// magnitude instead of jumping with p.
/// f^p has derivative p·f^(p−1), infinite at f = 0; it is taken only where f &gt; 0, so zero latents add 0 and pass a
/// gradient of exactly 0 to f, not 0·∞ = NaN (which ReLU's backward happens to overwrite with 0 today, but which any other
/// path from f would carry).
/// α, the jumps made and the window's values are state: checkpoints save them (<see cref="SaveState"/>), so a resumed run
/// ends bit for bit where an uninterrupted one does. Under a research objective they are not saved (AddedTermObjective
/// saves its own state only), and such a run resumes with the initial α and p = 1.
/// </summary>
public sealed class PAnnealObjective(SaeConfig config, ReluSae sae) : SaeObjective(config)
{
    /// <summary>dictionary_learning's sparsity_queue_length: the steps α's rescaling averages over.</summary>
    public const int Window = 10;

    readonly long[] jumpSteps = JumpSteps(config);
    readonly double pEnd = config.EffectivePEnd();
    readonly List<(double Old, double New)> recent = [];
    int jumps;
    double alpha = config.L1Coefficient;

    public override SparseAutoencoder Sae => sae;

    /// <summary>The exponent now in force.</summary>
    public double P => PAfter(jumps);

    /// <summary>α now in force (before the sparsity warmup's multiplier).</summary>
    public double Alpha => alpha;

    public override double SparsityCoefficient(double sparsityScale) => alpha * sparsityScale;

    public override IReadOnlyList<string> LogColumns => ["p"];

    public override ObjectiveOutput Forward(Tensor x, StepContext step)
    {
        var f = sae.Encode(x);
        var xHat = sae.Decode(f);
        var (reconstruction, mse) = Reconstruction(x, xHat);
        if (jumps < jumpSteps.Length && step.Step > jumpSteps[jumps] - Window)
        {
            using (no_grad())
                recent.Add((MeanPowerSum(f, P), MeanPowerSum(f, PAfter(jumps + 1))));
            if (step.Step >= jumpSteps[jumps])
            {
                double atNew = recent.Average(r => r.New);
                if (atNew > 0) alpha *= recent.Average(r => r.Old) / atNew;   // 0 only when no latent fired in the window
                jumps++;
                recent.Clear();
            }
        }
        // Σ_b f_bi^p per latent: its sum is the penalty, and it is positive exactly for the latents that fired.
        var perLatent = PowerSums(f, P);
        var sparsity = SparsityCoefficient(step.SparsityScale) * (perLatent.sum() / x.shape[0]);
        return new ObjectiveOutput(reconstruction + sparsity, f, xHat, mse, sparsity, Zero(mse))
        {
            FiredLatents = perLatent.detach().gt(0),
            Terms = new Dictionary<string, Tensor> { ["p"] = tensor((float)P) },
        };
    }

    /// <summary>p after <paramref name="jumpsMade"/> jumps: 1, then linearly down to exactly p_end.</summary>
    double PAfter(int jumpsMade) => jumpsMade == 0 ? 1.0 : pEnd + (1 - pEnd) * (jumpSteps.Length - jumpsMade) / jumpSteps.Length;

    static long[] JumpSteps(SaeConfig c)
    {
        long start = c.EffectiveAnnealStart(), span = c.Steps - start;
        int n = c.EffectiveSparsityUpdates();
        return [.. Enumerable.Range(0, n).Select(j => start + j * span / n)];
    }

    /// <summary>
    /// [d_sae] Σ_b f_bi^p, the power taken only where f &gt; 0: the zeros are raised as 1s and then zeroed, so their
    /// gradient is 0 rather than 0·∞ = NaN (which masking only the result would give). p = 1 is relu's L1 exactly.
    /// </summary>
    public static Tensor PowerSums(Tensor f, double p)
    {
        if (p == 1) return f.sum(dim: 0);
        var inactive = f.le(0);
        return f.masked_fill(inactive, 1).pow(p).masked_fill(inactive, 0).sum(dim: 0);
    }

    /// <summary>mean_b Σ_i f_i^p as a double, for α's window.</summary>
    static double MeanPowerSum(Tensor f, double p) => PowerSums(f, p).to(ScalarType.Float64).sum().item<double>() / f.shape[0];

    public override JsonObject? SaveState() => new()
    {
        ["alpha"] = alpha,
        ["jumps"] = jumps,
        ["recent"] = new JsonArray([.. recent.Select(r => (JsonNode)new JsonArray(r.Old, r.New))]),
    };

    public override void RestoreState(JsonObject state)
    {
        alpha = state["alpha"]!.GetValue<double>();
        jumps = state["jumps"]!.GetValue<int>();
        recent.Clear();
        recent.AddRange(state["recent"]!.AsArray().Select(r => (r![0]!.GetValue<double>(), r[1]!.GetValue<double>())));
    }
}
