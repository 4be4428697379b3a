using SaePipeline.Optim;
using SaePipeline.Config;
using TorchSharp;
using static TorchSharp.torch;

namespace SaePipeline.Sae;

/// <summary>What one logged step looked like. Batch statistics, so they are noisy; evaluation is the measure.</summary>
public sealed record StepStats(
    long Step, double Loss, double Mse, double L1, double L0, double ExplainedVariance, int DeadLatents, double Lr, double L1Coefficient);

/// <summary>
/// The standard ReLU SAE trainer of "Towards Monosemanticity" as dictionary_learning's StandardTrainer implements it
/// (sae-anchors §1.1–1.3):
///   loss = mean_batch Σ_d (x − x̂)² + λ·s(t)·mean_batch Σ_i f_i        (f ≥ 0, so Σ|f| = Σ f)
/// with Adam under the unit-norm decoder constraint, lr warmup, sparsity warmup s(t), and optional resampling of
/// latents that stayed silent for more than half a resampling period.
/// </summary>
public sealed class StandardTrainer : IDisposable
{
    readonly ReluSae sae;
    readonly SaeConfig config;
    readonly Adam adam;
    readonly Generator resampleGenerator;
    readonly Tensor stepsSinceActive;   // [d_sae] consecutive batches in which the latent was zero on every row

    public StandardTrainer(ReluSae sae, SaeConfig config, Generator resampleGenerator)
    {
        this.sae = sae;
        this.config = config;
        this.resampleGenerator = resampleGenerator;
        adam = new Adam(sae.Parameters, config.AdamBeta1, config.AdamBeta2);
        stepsSinceActive = zeros([sae.DSae], ScalarType.Int64, sae.W_enc.device).DetachFromDisposeScope();
    }

    /// <summary>One optimizer step on a batch [B, d_in]. Returns the loss, and the full statistics when <paramref name="log"/>.</summary>
    public (double Loss, StepStats? Stats) Step(Tensor x, long step, bool log)
    {
        using var scope = NewDisposeScope();
        double lr = config.Lr * Schedules.LearningRate(step, config.LrWarmupSteps, config.ResampleSteps);
        double l1Coefficient = config.L1Coefficient * Schedules.Sparsity(step, config.SparsityWarmupSteps);
        long batch = x.shape[0];

        var f = sae.Encode(x);
        var xHat = sae.Decode(f);
        var residual = x - xHat;
        var mse = residual.square().sum() / batch;
        var activityPerLatent = f.sum(dim: 0);   // Σ_b f_bi: gives the L1 term and, for free, which latents fired
        var l1 = activityPerLatent.sum() / batch;
        var loss = mse + l1Coefficient * l1;

        adam.ZeroGrad();
        loss.backward();
        DecoderNorm.ProjectGradient(sae.W_dec);
        adam.Step(lr);
        DecoderNorm.Renormalize(sae.W_dec);

        using (no_grad())
        {
            var fired = activityPerLatent.gt(0);
            stepsSinceActive.add_(1).masked_fill_(fired, 0);
        }
        if (config.ResampleSteps is { } every && step % every == 0 && step > 0)
            Resample(x, deadAfter: every / 2);

        double lossValue = loss.item<float>();
        if (!log) return (lossValue, null);
        using (no_grad())
        {
            var stats = new StepStats(
                step, lossValue, mse.item<float>(), l1.item<float>(),
                L0: f.gt(0).sum().item<long>() / (double)batch,
                ExplainedVariance: 1 - residual.var(dim: 0).sum().item<float>() / x.var(dim: 0).sum().item<float>(),
                DeadLatents: (int)stepsSinceActive.ge(config.DeadWindowSteps).sum().item<long>(),
                Lr: lr, L1Coefficient: l1Coefficient);
            return (lossValue, stats);
        }
    }

    /// <summary>
    /// dictionary_learning's resampling: the first n = min(#dead, B) dead latents get a batch row drawn with probability
    /// ∝ its reconstruction error ‖x − x̂‖; the decoder row becomes that row normalised, the encoder column the row
    /// scaled to 0.2 × the mean norm of the alive encoder columns, the encoder bias 0, and their Adam moments are reset.
    /// </summary>
    void Resample(Tensor x, int deadAfter)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var dead = stepsSinceActive.gt(deadAfter).nonzero().flatten();
        // An all-zero input row still has error ‖b_dec‖ but no direction to copy: it gets no weight.
        var error = (x - sae.Decode(sae.Encode(x))).norm(dim: 1, keepdim: false) * x.norm(dim: 1, keepdim: false).gt(0);
        long n = Math.Min(dead.shape[0], error.gt(0).sum().item<long>());
        if (n == 0) return;
        dead = dead[..(int)n];
        var rows = multinomial(error, n, replacement: false, generator: resampleGenerator);
        var sampled = x.index_select(0, rows);   // [n, d_in]
        var alive = stepsSinceActive.le(deadAfter);
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
        stepsSinceActive.Dispose();
    }
}
