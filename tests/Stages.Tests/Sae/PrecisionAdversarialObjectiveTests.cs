using SaePipeline.Activations.Labelled;
using SaePipeline.Config;
using SaePipeline.Data;
using SaePipeline.Probes;
using SaePipeline.Sae;
using static TorchSharp.torch;

namespace SaePipeline.Tests.Sae;

/// <summary>
/// The precision-adversarial objective on the planted labelled world of <see cref="PrecisionAdversarialDataTests"/>
/// (gender on dimension 0, profession on dimension 1, every token of a text the same vector) with an SAE that
/// reconstructs exactly: it ablates SCR's gender latents, measures λ from the probes' accuracies, and adds exactly
/// λ·L_adv + μ·L_preserve, whose values here follow from the probes by hand; its state carries a resumed run on.
/// </summary>
public sealed class PrecisionAdversarialObjectiveTests
{
    const int D = 4;
    const float GenderBias = 0.5f;

    static ReluSae ExactSae()
    {
        var identity = eye(D);
        return new ReluSae(cat([identity, identity.neg()], 1), zeros(2 * D), cat([identity, identity.neg()], 0), zeros(D));
    }

    static (SaeConfig Config, PrecisionAdversarialObjective Objective, ReluSae Sae) Create(LabelledTexts texts)
    {
        var config = new SaeConfig { Name = "t", DSae = 2 * D, L1Coefficient = 0.01 };
        var sae = ExactSae();
        var e0 = new float[D];
        e0[0] = 1;
        var e1 = new float[D];
        e1[1] = 1;
        var probes = new FrozenScrProbes(new LinearProbe(e0, GenderBias), new LinearProbe(e1, 0), CPU);
        var settings = new PrecisionAdversarialConfig { AblatedLatents = 20, LambdaEverySteps = 2, TextsPerStep = 6 };
        return (config, new PrecisionAdversarialObjective(config, new ReluL1Objective(config, sae), settings, probes, texts, texts, seed: 3), sae);
    }

    static StepContext Step(long step) => new(step, 1.0, zeros([2 * D], ScalarType.Bool), 0);

    [Fact]
    public void ItAblatesTheGenderLatentsAndAddsLambdaTimesTheAdversarialTermPlusThePreservationTerm()
    {
        using var dir = new TempDir();
        var (texts, _) = PrecisionAdversarialDataTests.World(dir);
        using var scope = NewDisposeScope();
        var (config, objective, sae) = Create(texts);
        using var _ = objective;
        using var __ = sae;
        var x = randn([16, D], generator: new Generator(1));

        var output = objective.Forward(x, Step(0));
        // SCR's choice: only latents 0 (+e0) and D (−e0) differ between genders and write along the gender probe.
        Assert.Equal([0L, D], objective.AblatedLatents.Order());
        // Without them the pooled gender logit is the bias, 0.5 > 0 for every text: right for the male half only.
        Assert.Equal((0.5, 1.0), objective.Accuracies);
        Assert.Equal(0.2 * 0.5, objective.Lambda, 12);   // a·A_gender, profession above its floor

        // L_adv = ln 2 − H(σ(0.5)) for every text; the profession logit is ±1 with the right sign, p(true) = σ(1) = 0.73 < 0.8,
        // so every text is in the preservation mask with BCE softplus(−1).
        double sigma = 1 / (1 + Math.Exp(-GenderBias));
        double adversarial = Math.Log(2) + sigma * Math.Log(sigma) + (1 - sigma) * Math.Log(1 - sigma);
        double preservation = Math.Log(1 + Math.Exp(-1));
        var plain = new ReluL1Objective(config, sae).Forward(x, Step(0));
        Assert.Equal(plain.Loss.item<float>() + 0.1 * adversarial + 1.0 * preservation, output.Loss.item<float>(), 5);
        Assert.Equal(adversarial, output.Terms["adversarial_loss"].item<float>(), 5);
        Assert.Equal(preservation, output.Terms["preservation_loss"].item<float>(), 5);
        Assert.Equal(1f, output.Terms["preservation_masked"].item<float>());
    }

    [Fact]
    public void ARestoredObjectiveContinuesAsTheUninterruptedOne()
    {
        using var dir = new TempDir();
        var (texts, _) = PrecisionAdversarialDataTests.World(dir);
        using var scope = NewDisposeScope();
        var x = randn([16, D], generator: new Generator(2));
        var (_, first, firstSae) = Create(texts);
        var (_, second, secondSae) = Create(texts);
        using var disposables = new CompositeDisposable(first, second, firstSae, secondSae);
        first.Forward(x, Step(0));
        // Step 3 is not a refresh step (K = 2): it runs on the λ and latents of step 2, which only a restored state knows.
        first.Forward(x, Step(2));
        // Training moved on after step 2: the gender latents stopped writing gender, so a fresh choice at step 3 would
        // ablate nothing and see gender at accuracy 1 (λ 0.2); the state of step 2 says latents 0 and D, λ 0.1.
        foreach (var sae in new[] { firstSae, secondSae })
            using (no_grad())
            {
                sae.W_dec[0] = zeros([D]);
                sae.W_dec[D] = zeros([D]);
            }
        second.RestoreState(first.SaveState()!);
        Assert.Equal(first.Forward(x, Step(3)).Loss.item<float>(), second.Forward(x, Step(3)).Loss.item<float>());
        Assert.Equal(0.1, second.Lambda, 12);
        Assert.Equal(first.AblatedLatents, second.AblatedLatents);
    }

    [Fact]
    public void TheCheckpointCarriesTheObjectivesStateAndRefusesAPlainObjectives()
    {
        using var dir = new TempDir();
        var (texts, _) = PrecisionAdversarialDataTests.World(dir);
        using var scope = NewDisposeScope();
        var x = randn([16, D], generator: new Generator(4));
        var (config, saved, savedSae) = Create(texts);
        var (_, restored, restoredSae) = Create(texts);
        using var plainSae = ExactSae();
        using var disposables = new CompositeDisposable(saved, restored, savedSae, restoredSae);
        foreach (var sae in new[] { savedSae, restoredSae, plainSae })
            foreach (var p in sae.Parameters) p.Tensor.requires_grad_(true);
        using var savedTrainer = new SaeTrainer(saved, config, new Generator(1));
        savedTrainer.Step(x, 0, log: false);
        var checkpoint = new TrainingCheckpoint(1, 1.0, 0, "", null, new Activations.ShuffleState(1, 0, [0], [0], 1, []));
        TrainingCheckpoint.Save(dir.Path, checkpoint, savedTrainer);

        using var restoredTrainer = new SaeTrainer(restored, config, new Generator(1));
        Assert.NotNull(TrainingCheckpoint.TryRestore(dir.Path, restoredTrainer, out string? why));
        Assert.Null(why);
        Assert.Equal(saved.Lambda, restored.Lambda);
        Assert.Equal(saved.AblatedLatents, restored.AblatedLatents);

        // A checkpoint of the adversarial SAE is not one of a plain SAE of the same shape: it is refused, not half-used.
        using var plainTrainer = new SaeTrainer(new ReluL1Objective(config, plainSae), config, new Generator(1));
        Assert.Null(TrainingCheckpoint.TryRestore(dir.Path, plainTrainer, out string? refused));
        Assert.Contains("objective state", refused);
    }

    sealed class CompositeDisposable(params IDisposable[] items) : IDisposable
    {
        public void Dispose()
        {
            foreach (var item in items) item.Dispose();
        }
    }
}
