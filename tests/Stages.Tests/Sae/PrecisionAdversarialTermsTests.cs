using SaePipeline.Sae;
using static TorchSharp.torch;

namespace SaePipeline.Tests.Sae;

/// <summary>Each term of the precision-targeted adversarial objective on hand-made tensors, against values worked out by hand.</summary>
public sealed class PrecisionAdversarialTermsTests
{
    static readonly PrecisionAdversarialSettings Defaults = new();

    [Theory]
    [InlineData(0.95, 0.90, 0.19)]          // gender decodable, profession fine: 0.2 · 0.95
    [InlineData(0.95, 0.75, 0.04)]          // profession below 0.8 eases the pressure: 0.2 · (0.95 − 0.75)
    [InlineData(0.95, 0.80, 0.19)]          // at the floor exactly, not below it
    [InlineData(0.50, 0.60, 0.00)]          // 0.2 · (0.5 − 0.6) < 0: clamped to 0
    [InlineData(1.00, 1.00, 0.20)]
    public void LambdaFollowsTheScheduleAndItsClamp(double gender, double profession, double expected) =>
        Assert.Equal(expected, PrecisionAdversarialTerms.Lambda(gender, profession, Defaults), 12);

    [Fact]
    public void LambdaIsClampedAbove() =>
        Assert.Equal(0.3, PrecisionAdversarialTerms.Lambda(1.0, 0.9, Defaults with { LambdaScale = 0.5 }), 12);

    [Fact]
    public void OnlyExamplesTheProbeIsUnsureOfArePreserved()
    {
        using var scope = NewDisposeScope();
        // p(true class): σ(2) = 0.881, σ(1) = 0.731, 1 − σ(−3) = 0.953, σ(0) = 0.5.
        var logits = tensor(new float[] { 2, 1, -3, 0 }, requires_grad: true);
        var labels = tensor(new float[] { 1, 1, 0, 1 });
        Assert.Equal([false, true, false, true], PrecisionAdversarialTerms.ConfidenceMask(logits, labels, 0.8).data<bool>().ToArray());

        var loss = PrecisionAdversarialTerms.MaskedPreservationLoss(logits, labels, 0.8);
        double expected = (Math.Log(1 + Math.Exp(-1)) + Math.Log(2)) / 2;   // BCE of the two masked-in examples
        Assert.Equal(expected, loss.item<float>(), 5);
        loss.backward();
        var grad = logits.grad!.data<float>().ToArray();
        Assert.Equal(0f, grad[0]);                                           // confident examples get no gradient
        Assert.Equal(0f, grad[2]);
        Assert.Equal((1 / (1 + Math.Exp(-1)) - 1) / 2, grad[1], 5);           // (σ(z) − y) / 2 masked examples
        Assert.Equal(0f, PrecisionAdversarialTerms.MaskedPreservationLoss(tensor(new float[] { 5, -5 }), tensor(new float[] { 1, 0 }), 0.8).item<float>());
    }

    [Fact]
    public void TheAdversarialTermIsZeroAtChanceAndPushesTowardsIt()
    {
        using var scope = NewDisposeScope();
        Assert.Equal(0f, PrecisionAdversarialTerms.AdversarialLoss(zeros(3)).item<float>(), 6);
        Assert.Equal(Math.Log(2), PrecisionAdversarialTerms.AdversarialLoss(tensor(new float[] { 50, -50 })).item<float>(), 5);
        double p = 1 / (1 + Math.Exp(-1));
        double expected = Math.Log(2) + p * Math.Log(p) + (1 - p) * Math.Log(1 - p);
        var z = tensor(new float[] { 1, -1 }, requires_grad: true);
        var loss = PrecisionAdversarialTerms.AdversarialLoss(z);
        Assert.Equal(expected, loss.item<float>(), 5);
        loss.backward();
        var grad = z.grad!.data<float>().ToArray();
        Assert.True(grad[0] > 0 && grad[1] < 0, "descending the loss moves both logits towards 0");
    }

    /// <summary>d_in 2, d_sae 3: W_dec rows e1, e2, e1 + e2; b_dec (10, 20).</summary>
    static ReluSae TinySae() =>
        new(zeros(2, 3), zeros(3), tensor(new float[] { 1, 0, 0, 1, 1, 1 }, [3, 2]), tensor(new float[] { 10, 20 }));

    [Fact]
    public void ReconstructionsArePooledOverEachTextsTokensWithTheAblatedLatentsZeroed()
    {
        using var scope = NewDisposeScope();
        using var sae = TinySae();
        // Text 0 has tokens with f = (1, 0, 2) and (3, 1, 0); text 1 one token with f = (0, 4, 1).
        var f = tensor(new float[] { 1, 0, 2, 3, 1, 0, 0, 4, 1 }, [3, 3]);
        var text = tensor(new long[] { 0, 0, 1 });
        // x̂ = f·W_dec + b_dec: (1+2, 2) + b, (3, 1) + b → text 0 mean (3, 1.5) + b; text 1: (1, 5) + b.
        Assert.Equal([13f, 21.5f, 11f, 25f], PrecisionAdversarialTerms.PooledReconstruction(sae, f, text, 2, []).data<float>().ToArray());
        // Ablating latent 2 removes its (1, 1) per unit: text 0 (2, 0.5) + b, text 1 (0, 4) + b.
        Assert.Equal([12f, 20.5f, 10f, 24f], PrecisionAdversarialTerms.PooledReconstruction(sae, f, text, 2, [2]).data<float>().ToArray());
    }

    [Fact]
    public void GenderLatentsAreThoseWhoseMeanDifferenceTheProbeReads()
    {
        using var scope = NewDisposeScope();
        using var sae = TinySae();
        // Pooled latents of four texts, two per gender. Mean differences: latent 0 +1, latent 1 −2, latent 2 0.
        var pooled = tensor(new float[] { 2, 0, 5, 2, 0, 5, 1, 2, 5, 1, 2, 5 }, [4, 3]);
        var gender = tensor(new float[] { 1, 1, 0, 0 });
        // Probe w = (3, 1): W_dec·w = (3, 1, 4). Effects |Δ ⊙ g| = (3, 2, 0): latent 0, then 1; latent 2 has none.
        var w = tensor(new float[] { 3, 1 });
        Assert.Equal([0L, 1L], PrecisionAdversarialTerms.TopGenderLatents(pooled, gender, sae, w, 5));
        Assert.Equal([0L], PrecisionAdversarialTerms.TopGenderLatents(pooled, gender, sae, w, 1));
    }
}
