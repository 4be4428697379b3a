using SaePipeline.Config;
using SaePipeline.Optim;
using static TorchSharp.torch;

namespace SaePipeline.Sae;

/// <summary>
/// What one logged step looked like: batch statistics, so noisy (evaluation is the measure). Mse is mean_b Σ_d (x − x̂)²
/// in the units the SAE trains in (after input normalisation); sparsity and aux are the weighted loss terms.
/// </summary>
public sealed record StepStats(
    long Step, double Loss, double Mse, double SparsityLoss, double AuxLoss, double L0, double ExplainedVariance,
    int DeadLatents, double Lr, double SparsityCoefficient)
{
    /// <summary>A research objective's terms (or p_anneal's p) at this step (<see cref="SaeObjective.LogColumns"/>), or null.</summary>
    public IReadOnlyDictionary<string, double>? Terms { get; init; }
}

/// <summary>
/// The training step every objective shares (dictionary_learning's trainers, docs/sae-training.md §1.1–1.3):
///   lr schedule (warmup, optional linear decay) → objective loss → backward → project decoder gradients off the
///   decoder rows → clip the global gradient norm → Adam → renormalise decoder rows → objective's post-step update
///   (thresholds) → dead-latent bookkeeping → optional resampling (relu only).
/// The projection and renormalisation are skipped for unconstrained decoders (april_update). Inputs arrive already
/// scaled by the input normalisation. All state a resumed run needs is reachable for checkpoints.
/// </summary>
public sealed class SaeTrainer : IDisposable
{
    readonly SaeConfig config;
    readonly Adam adam;
    readonly Generator resampleGenerator;
    readonly bool constrainedDecoder;
    readonly double? maxGradNorm;

    public SaeTrainer(SaeObjective objective, SaeConfig config, Generator resampleGenerator)
    {
        Objective = objective;
        this.config = config;
        this.resampleGenerator = resampleGenerator;
        constrainedDecoder = config.ConstrainedDecoder();
        maxGradNorm = config.EffectiveMaxGradNorm();
        var sae = objective.Sae;
        adam = new Adam(sae.Parameters.Select(p => p.Tensor).ToList(), config.EffectiveAdamBeta1(), config.AdamBeta2);
        TokensSinceFired = zeros([sae.DSae], ScalarType.Int64, sae.W_enc.device).DetachFromDisposeScope();
        StepsSinceActive = zeros([sae.DSae], ScalarType.Int64, sae.W_enc.device).DetachFromDisposeScope();
    }

    public SaeObjective Objective { get; }
    public SparseAutoencoder Sae => Objective.Sae;
    public Adam Adam => adam;
    public Generator ResampleGenerator => resampleGenerator;

    /// <summary>[d_sae] training tokens since each latent last fired (dead when ≥ dead_after_tokens).</summary>
    public Tensor TokensSinceFired { get; }

    /// <summary>[d_sae] consecutive batches in which the latent was zero on every row (dictionary_learning's resampling rule).</summary>
    public Tensor StepsSinceActive { get; }

    /// <summary>One optimizer step on a batch [B, d_in]. Returns the loss, and the full statistics when <paramref name="log"/>.</summary>
    public (double Loss, StepStats? Stats) Step(Tensor x, long step, bool log)
    {
        using var scope = NewDisposeScope();
        if (step == 0) Objective.BeforeFirstStep(x);
        double lr = config.Lr * Schedules.LearningRate(step, config.LrWarmupSteps, config.ResampleSteps, config.Steps,
                                                        config.LrDecayStartFraction, config.LrDecayEndFraction);
        double sparsityScale = Schedules.Sparsity(step, config.SparsityWarmupSteps);
        long batch = x.shape[0];

        var dead = TokensSinceFired.ge(config.DeadAfterTokens);
        long deadCount = Objective.UsesDeadLatents || log ? dead.sum().item<long>() : 0;
        var output = Objective.Forward(x, new StepContext(step, sparsityScale, dead, deadCount));

        adam.ZeroGrad();
        output.Loss.backward();
        if (constrainedDecoder) DecoderNorm.ProjectGradient(Sae.W_dec);
        if (maxGradNorm is { } maxNorm) ClipGradientNorm(maxNorm);
        adam.Step(lr);
        if (constrainedDecoder) DecoderNorm.Renormalize(Sae.W_dec);
        Objective.AfterStep(output, step);

        Tensor fired;
        using (no_grad())
        {
            fired = output.Fired();
            TokensSinceFired.add_(batch).masked_fill_(fired, 0);
            StepsSinceActive.add_(1).masked_fill_(fired, 0);
        }
        if (config.ResampleSteps is { } every && step % every == 0 && step > 0 && Sae is ReluSae relu)
            Resample(relu, x, deadAfter: every / 2);

        double lossValue = output.Loss.item<float>();
        if (!log) return (lossValue, null);
        using (no_grad())
        {
            var residual = x - output.Reconstruction.detach();
            var stats = new StepStats(
                step, lossValue, output.Mse.item<float>(), output.Sparsity.item<float>(), output.Aux.item<float>(),
                L0: output.ActiveCount() / (double)batch,
                ExplainedVariance: 1 - residual.var(dim: 0).sum().item<float>() / x.var(dim: 0).sum().item<float>(),
                DeadLatents: (int)TokensSinceFired.ge(config.DeadAfterTokens).sum().item<long>(),
                Lr: lr, SparsityCoefficient: Objective.SparsityCoefficient(sparsityScale))
            {
                Terms = output.Terms.Count == 0 ? null : output.Terms.ToDictionary(kv => kv.Key, kv => (double)kv.Value.item<float>()),
            };
            return (lossValue, stats);
        }
    }

    /// <summary>PyTorch's clip_grad_norm_: when the global L2 norm of all gradients exceeds the bound, scale them all by bound/(norm + 1e-6).</summary>
    void ClipGradientNorm(double maxNorm)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var grads = Sae.Parameters.Select(p => p.Tensor.grad).OfType<Tensor>().ToList();
        if (grads.Count == 0) return;
        var total = stack(grads.Select(g => g.square().sum()).ToArray()).sum().sqrt();
        var coefficient = (maxNorm / (total + 1e-6)).clamp_max(1.0);
        foreach (var g in grads) g.mul_(coefficient);
    }

    /// <summary>
    /// dictionary_learning's resampling: the first n = min(#dead, B) dead latents get a batch row drawn with probability
    /// ∝ its reconstruction error ‖x − x̂‖; the decoder row becomes that row normalised, the encoder column the row
    /// scaled to 0.2 × the mean norm of the alive encoder columns, the encoder bias 0, and their Adam moments are reset.
    /// </summary>
    void Resample(ReluSae sae, Tensor x, int deadAfter)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var dead = StepsSinceActive.gt(deadAfter).nonzero().flatten();
        // An all-zero input row still has error ‖b_dec‖ but no direction to copy: it gets no weight.
        var error = (x - sae.Reconstruct(x)).norm(dim: 1, keepdim: false) * x.norm(dim: 1, keepdim: false).gt(0);
        long n = Math.Min(dead.shape[0], error.gt(0).sum().item<long>());
        if (n == 0) return;
        dead = dead[..(int)n];
        var rows = multinomial(error, n, replacement: false, generator: resampleGenerator);
        var sampled = x.index_select(0, rows);   // [n, d_in]
        var alive = StepsSinceActive.le(deadAfter);
        double aliveNorm = sae.W_enc.norm(dim: 0, keepdim: false).masked_select(alive).mean().item<float>();
        sae.W_enc.index_copy_(1, dead, (sampled * (0.2 * aliveNorm)).t());
        sae.W_dec.index_copy_(0, dead, sampled / sampled.norm(dim: 1, keepdim: true));
        sae.b_enc.index_fill_(0, dead, 0);
        adam.ResetMoments(0, 1, dead);   // W_enc columns
        adam.ResetMoments(1, 0, dead);   // b_enc entries
        adam.ResetMoments(2, 0, dead);   // W_dec rows
        Console.WriteLine($"resampled {n} dead latents at step {adam.StepCount}");
    }

    public void Dispose()
    {
        adam.Dispose();
        TokensSinceFired.Dispose();
        StepsSinceActive.Dispose();
    }
}
