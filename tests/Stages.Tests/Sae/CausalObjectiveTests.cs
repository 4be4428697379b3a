using SaePipeline.Config;
using SaePipeline.Evals.Causal;
using SaePipeline.Sae;
using SaePipeline.Tests.Causal;
using static TorchSharp.torch;

namespace SaePipeline.Tests.Sae;

/// <summary>
/// The causal objective's term: its differentiable NCES is EvaluateCausal's NCES (an independent implementation), in
/// training units too; its gradient reaches the decoder rows of the latents it scores and none of a silent one; the hinge and the
/// resampling behave as documented.
/// </summary>
public sealed class CausalObjectiveTests
{
    static readonly long[] Scored = [0, 1, 2, 3];

    [Fact]
    public void DifferentiableNcesEqualsTheEvaluationsNcesAlsoUnderAnInputScale()
    {
        using var scope = NewDisposeScope();
        var (model, ids, acts, kept, hook) = CausalEffectsTests.World();
        using var _ = model;
        using var sae = CausalEffectsTests.KnownSae(model.Dims.DModel);
        var evaluated = CausalEffects.Compute(model, hook, sae, ids, acts, kept, Scored.Select(i => (int)i).ToList(), InterventionKind.Zero,
                                              new LatentStatistics(sae.DSae, seed: 1), new Generator(1));
        var (nces, chosen) = DifferentiableNces.Compute(model, hook, sae, ids, acts, kept, _ => Scored, (current, _, _) => zeros_like(current));
        Assert.Equal(Scored, chosen);
        for (int j = 0; j < Scored.Length; j++)
            Assert.Equal(evaluated[j].Nces, nces[j].item<float>(), 4);

        // The same SAE as training sees it under input normalisation x → s·x: encoder divided by s, decoder and b_dec
        // multiplied by s. Scaled back, its scores are the raw SAE's.
        const float s = 3f;
        using var scaled = new ReluSae(sae.W_enc / s, sae.b_enc, sae.W_dec * s, sae.b_dec * s, applyBDecToInput: false);
        var (scaledNces, _) = DifferentiableNces.Compute(model, hook, scaled, ids, acts, kept, _ => Scored, (current, _, _) => zeros_like(current), inputScale: s);
        for (int j = 0; j < Scored.Length; j++)
            Assert.Equal(evaluated[j].Nces, scaledNces[j].item<float>(), 4);
    }

    [Fact]
    public void TheGradientReachesTheScoredLatentsDecoderRowsAndNoSilentLatent()
    {
        using var scope = NewDisposeScope();
        var (model, ids, acts, kept, hook) = CausalEffectsTests.World();
        using var _ = model;
        using var sae = CausalEffectsTests.KnownSae(model.Dims.DModel);
        foreach (var p in sae.Parameters) p.Tensor.requires_grad_(true);   // as SaeInitialization makes them
        var (nces, _) = DifferentiableNces.Compute(model, hook, sae, ids, acts, kept, _ => [1, 3], (current, _, _) => zeros_like(current));
        CausalObjective.Shortfall(nces, target: 1e6).mean().backward();   // τ far above: every scored latent is penalised
        var rowNorms = sae.W_dec.grad!.norm(dim: 1, keepdim: false);
        Assert.True(rowNorms[1].item<float>() > 0 && rowNorms[3].item<float>() > 0, "the scored latents' decoder rows must get a gradient");
        // Latent 4 never fires: nothing it writes reaches the model, so its decoder row gets no gradient.
        Assert.Equal(0f, rowNorms[4].item<float>());
    }

    [Fact]
    public void TheShortfallIsOneForAnInertLatentAndZeroFromTheTargetOn()
    {
        using var scope = NewDisposeScope();
        var shortfall = CausalObjective.Shortfall(tensor(new[] { 0f, 0.005f, 0.01f, 0.5f }), target: 0.01);
        Assert.Equal([1f, 0.5f, 0f, 0f], shortfall.data<float>().ToArray());
    }

    [Fact]
    public void ResamplingDrawsOnlyValuesTheLatentTookAtKeptPositions()
    {
        using var scope = NewDisposeScope();
        var current = tensor(new[] { 7f, 0f, 2f, 9f, 0f, 5f }).reshape(2, 3);
        var keepF = tensor(new[] { 0f, 1f, 1f, 0f, 1f, 1f }).reshape(2, 3);   // 7 and 9 sit at dropped positions
        var drawn = CausalObjective.ResampleFromKept(current, keepF, new Generator(5));
        Assert.Equal(current.shape, drawn.shape);
        Assert.All(drawn.data<float>().ToArray(), v => Assert.Contains(v, new[] { 0f, 2f, 5f }));
        var again = CausalObjective.ResampleFromKept(current, keepF, new Generator(5));
        Assert.Equal(drawn.data<float>().ToArray(), again.data<float>().ToArray());   // seeded
    }
}
