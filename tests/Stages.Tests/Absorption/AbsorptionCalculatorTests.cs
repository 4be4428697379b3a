using SaePipeline.Config;
using SaePipeline.Evals.Absorption;
using Xunit;

namespace SaePipeline.Tests.Absorption;

/// <summary>
/// SAEBench's per-word absorption rules on hand-made latents: three latents, the probe's projection P given, each case's
/// expected fraction worked out from the rule in the calculator's documentation.
/// </summary>
public sealed class AbsorptionCalculatorTests
{
    static readonly AbsorptionConfig Settings = new();

    // Latent 0 is the letter's main latent (decoder = the probe direction, cosine 1); latent 1 an aligned one
    // (cosine 0.7); latent 2 an unrelated one (cosine 0.05, below the fraction's 0.1 but above full absorption's 0.025).
    static readonly float[] Cosines = [1f, 0.7f, 0.05f];

    static WordAbsorption Score(float[] latents, double probeProjection) =>
        AbsorptionCalculator.Score(latents, Cosines, probeProjection, [0], Settings);

    [Fact]
    public void AnAlignedLatentFiringInsteadOfTheSilentMainLatentIsFullAbsorption()
    {
        var r = Score([0f, 2f, 0f], probeProjection: 2.0);     // absorber projects 1.4 = 0.7 of P
        Assert.Equal(1.0, r.AbsorptionFraction);
        Assert.True(r.IsFullAbsorption);
        Assert.Equal(1, r.TopLatents[0].Latent);
    }

    [Fact]
    public void TheMainLatentCarryingTheProjectionIsNoAbsorption()
    {
        var r = Score([2f, 0f, 0f], probeProjection: 2.0);
        Assert.Equal(0.0, r.AbsorptionFraction);
        Assert.False(r.IsFullAbsorption);
    }

    [Fact]
    public void PartialAbsorptionIsTheAbsorbedShareOfWhatTheMainLatentLeaves()
    {
        // M = 0.5, A = 0.7·1.5 = 1.05 ≥ 0.4·P; a = min(A, P − M) = 0.7; fraction = 0.7 / (0.7 + 0.5).
        var r = Score([0.5f, 1.5f, 0f], probeProjection: 1.2);
        Assert.Equal(0.7 / 1.2, r.AbsorptionFraction, 6);
        Assert.False(r.IsFullAbsorption);      // the main latent fired
    }

    [Fact]
    public void AbsorbersCarryingLessThanTheProportionThresholdCountForNothing()
    {
        var r = Score([0f, 0.5f, 0f], probeProjection: 2.0);   // 0.35 < 0.4·2
        Assert.Equal(0.0, r.AbsorptionFraction);
        Assert.False(r.IsFullAbsorption);
    }

    [Fact]
    public void ALatentBelowTheCosineGateIsNoAbsorberButCanStillBeTheTopOneForFullAbsorption()
    {
        // Latent 2 alone fires: its cosine 0.05 misses the fraction's 0.1 gate, passes full absorption's 0.025, but its
        // projection 0.05·20 = 1.0 is only 0.25 of P = 4, below 0.4: neither counts.
        var none = Score([0f, 0f, 20f], probeProjection: 4.0);
        Assert.Equal(0.0, none.AbsorptionFraction);
        Assert.False(none.IsFullAbsorption);
        // With P = 2 it carries 0.5 of P: full absorption, still no fraction (no latent passes the 0.1 gate).
        var full = Score([0f, 0f, 20f], probeProjection: 2.0);
        Assert.Equal(0.0, full.AbsorptionFraction);
        Assert.True(full.IsFullAbsorption);
    }

    [Fact]
    public void AtMostThreeAbsorbersAreSummed()
    {
        // Five aligned latents each projecting 0.1 (cosine 0.5, activation 0.2): three sum to 0.3, below 0.4 of P = 1.
        float[] cosines = [1f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f];
        var r = AbsorptionCalculator.Score([0f, 0.2f, 0.2f, 0.2f, 0.2f, 0.2f], cosines, 1.0, [0], Settings);
        Assert.Equal(0.0, r.AbsorptionFraction);
        var four = AbsorptionCalculator.Score([0f, 0.2f, 0.2f, 0.2f, 0.2f, 0.2f], cosines, 1.0, [0], Settings with { AbsorptionFractionMaxAbsorbingLatents = 4 });
        Assert.Equal(1.0, four.AbsorptionFraction);
    }

    [Fact]
    public void ANonPositiveProbeProjectionIsNeverAbsorption()
    {
        foreach (double p in new[] { 0.0, -1.0 })
        {
            var r = Score([0f, 2f, 0f], p);
            Assert.Equal(0.0, r.AbsorptionFraction);
            Assert.False(r.IsFullAbsorption);
        }
    }
}
