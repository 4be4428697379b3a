using System.Text.Json.Nodes;
using SaePipeline.Config;
using static TorchSharp.torch;

namespace SaePipeline.Sae;

/// <summary>What the trainer tells an objective about the current step.</summary>
/// <param name="SparsityScale">The sparsity warmup multiplier s(t) = min(step / sparsity_warmup_steps, 1).</param>
/// <param name="Dead">[d_sae] bool: latents that have not fired for dead_after_tokens tokens (before this step).</param>
public sealed record StepContext(long Step, double SparsityScale, Tensor Dead, long DeadCount);

/// <summary>
/// One step's forward pass and loss. <c>Mse</c> is always mean_b Σ_d (x − x̂)², whatever the loss convention, so logs
/// compare across objectives; <c>Sparsity</c> and <c>Aux</c> are the weighted terms as they enter the loss. The latents
/// are either dense (<c>Latents</c>, [B, d_sae]) or, from a sparse k-sparse step, the kept entries (<see cref="Kept"/>);
/// the methods below answer what the trainer and objectives ask of either.
/// </summary>
public sealed record ObjectiveOutput(Tensor Loss, Tensor? Latents, Tensor Reconstruction, Tensor Mse, Tensor Sparsity, Tensor Aux)
{
    /// <summary>A research objective's own terms and schedule values (scalars, p_anneal's p too), by training-log column; absent on steps it skips.</summary>
    public IReadOnlyDictionary<string, Tensor> Terms { get; init; } = new Dictionary<string, Tensor>();

    /// <summary>The kept latents of a sparse step (then <c>Latents</c> is null).</summary>
    public SparseLatents? Kept { get; init; }

    /// <summary>[d_sae] bool, when the objective had it for free (a ReLU SAE's column sums of f ≥ 0 are positive exactly there).</summary>
    public Tensor? FiredLatents { get; init; }

    /// <summary>[d_sae] bool: latents with a positive activation on some row.</summary>
    public Tensor Fired() => FiredLatents ?? Kept?.Fired() ?? DenseLatents().gt(0).any(dim: 0);

    /// <summary>Positive activations in the batch (L0 × B).</summary>
    public long ActiveCount() => Kept is { } kept ? kept.Values.detach().gt(0).sum().item<long>() : DenseLatents().gt(0).sum().item<long>();

    /// <summary>The smallest positive activation in the batch (a 0-d tensor), or null when none is positive.</summary>
    public Tensor? SmallestActivation()
    {
        var values = Kept is { } kept ? kept.Values.detach() : DenseLatents();
        var positive = values.gt(0);
        return positive.any().item<bool>() ? values.masked_select(positive).min() : null;
    }

    /// <summary>The latents as a dense [B, d_sae] tensor without gradient.</summary>
    public Tensor DenseLatents() => Kept?.ToDense() ?? Latents!.detach();
}

/// <summary>
/// A training objective: how an architecture's latents are computed in training and what loss they are trained on,
/// written as the paper writes it (one file each). The trainer owns everything shared: schedules, the decoder
/// constraint, clipping, Adam, dead-latent bookkeeping, checkpoints.
/// </summary>
public abstract class SaeObjective(SaeConfig config)
{
    protected SaeConfig Config { get; } = config;

    public abstract SparseAutoencoder Sae { get; }

    public abstract ObjectiveOutput Forward(Tensor x, StepContext step);

    /// <summary>Whether <see cref="StepContext.Dead"/> is used (it costs a device sync per step).</summary>
    public virtual bool UsesDeadLatents => false;

    /// <summary>Called once with the first training batch, before its step (TopK: b_dec ← geometric median).</summary>
    public virtual void BeforeFirstStep(Tensor x) { }

    /// <summary>Called after each optimizer step (BatchTopK: the threshold average; JumpReLU: thresholds kept ≥ 0).</summary>
    public virtual void AfterStep(ObjectiveOutput output, long step) { }

    /// <summary>The training-log columns of <see cref="ObjectiveOutput.Terms"/>, in order (of the architectures' objectives, only p_anneal has one: p).</summary>
    public virtual IReadOnlyList<string> LogColumns => [];

    /// <summary>What a resumed run needs beyond the SAE and Adam (a schedule's value, running statistics), or null.</summary>
    public virtual JsonObject? SaveState() => null;

    /// <summary>Puts back what <see cref="SaveState"/> saved.</summary>
    public virtual void RestoreState(JsonObject state) { }

    /// <summary>The sparsity coefficient in force at a step, for the training log (0 where sparsity is set by k).</summary>
    public virtual double SparsityCoefficient(double sparsityScale) => 0;

    /// <summary>
    /// The reconstruction term in the configured convention, and mean_b Σ_d (x − x̂)² for the log. For normalized_mse,
    /// Σ‖x − x̂‖² / Σ‖x − x̄‖² over the batch (x̄ the batch mean; x carries no gradient, so neither does the denominator).
    /// </summary>
    protected (Tensor Term, Tensor Mse) Reconstruction(Tensor x, Tensor xHat)
    {
        var mse = (x - xHat).square().sum() / x.shape[0];
        if (Config.ReconstructionLoss == ReconstructionLossKind.SumSquared) return (mse, mse);
        var variance = (x - x.mean([0], keepdim: true)).square().sum() / x.shape[0];
        return (mse / variance, mse);
    }

    protected static Tensor Zero(Tensor like) => zeros([], like.dtype, like.device);

    /// <summary>The architecture's objective (its definition says which), for an SAE of its model type.</summary>
    public static SaeObjective Create(SaeConfig config, SparseAutoencoder sae) => SaeArchitectures.Of(config).Objective(config, sae);
}
