using SaePipeline.Config;

namespace SaePipeline.Evals.Absorption;

/// <summary>One word's absorption: how much of the letter's probe projection latents other than the main ones carry.</summary>
/// <param name="ProbeProjection">The activation's projection on the letter probe's unit direction.</param>
/// <param name="TopLatents">Latents with the largest probe projections f_i·cos(W_dec,i, probe), largest first.</param>
public sealed record WordAbsorption(double ProbeProjection, double AbsorptionFraction, bool IsFullAbsorption, IReadOnlyList<LatentProjection> TopLatents);

/// <summary>A latent's activation, its decoder row's cosine with the probe, and their product (its probe projection).</summary>
public sealed record LatentProjection(int Latent, double Activation, double ProbeCosine)
{
    public double Projection => Activation * ProbeCosine;
}

/// <summary>
/// SAEBench's <c>FeatureAbsorptionCalculator</c> for one word (Chanin et al.; the absorption fraction by Demian Till).
/// Each latent's probe projection is f_i·cos_i, cos_i the cosine of its decoder row with the probe direction.
/// <para>
/// <b>Absorption fraction.</b> Potential absorbers are latents that are not main, have cos_i ≥ τ_cos (0.1) and a
/// positive projection; the largest (at most 3) sum to A. With P the activation's own probe projection and M the main
/// latents' summed projection: 0 when M ≥ P or A/P &lt; τ_prop (0.4); 1 when M ≤ 0; otherwise
/// a/(a + M) with a = min(A, P − M), clipped to [0, 1].
/// </para>
/// <para>
/// <b>Full absorption.</b> Every main latent is silent (activation &lt; 1e−8), the top-projection latent has
/// cos ≥ 0.025, P ≥ 0, and that latent alone carries at least τ_prop of P.
/// </para>
/// Where P is 0 (Python would divide by zero) neither counts.
/// </summary>
public static class AbsorptionCalculator
{
    const double Silent = 1e-8;

    public static WordAbsorption Score(ReadOnlySpan<float> latents, ReadOnlySpan<float> probeCosines, double probeProjection,
                                       IReadOnlyList<int> mainLatents, AbsorptionConfig s)
    {
        int dSae = latents.Length;
        var isMain = new bool[dSae];
        double main = 0;
        foreach (int i in mainLatents)
        {
            isMain[i] = true;
            main += (double)latents[i] * probeCosines[i];
        }

        // The absorbers' total: the largest few positive projections among aligned latents outside the main ones.
        var absorbers = new List<double>();
        for (int i = 0; i < dSae; i++)
        {
            double projection = (double)latents[i] * probeCosines[i];
            if (!isMain[i] && probeCosines[i] >= s.AbsorptionFractionProbeCosSimThreshold && projection > 0) absorbers.Add(projection);
        }
        double absorbed = absorbers.OrderByDescending(x => x).Take(s.AbsorptionFractionMaxAbsorbingLatents).Sum();

        double fraction;
        if (probeProjection == 0 || main >= probeProjection || absorbed / probeProjection < s.ProbeProjectionProportionThreshold) fraction = 0;
        else if (main <= 0) fraction = 1;
        else
        {
            double a = Math.Min(absorbed, probeProjection - main);
            fraction = Math.Clamp(a / (a + main), 0, 1);
        }

        var top = TopProjections(latents, probeCosines, s.TopkFeats);
        bool mainSilent = true;
        foreach (int i in mainLatents) mainSilent &= latents[i] < Silent;
        bool full = mainSilent
                    && top[0].ProbeCosine >= s.FullAbsorptionProbeCosSimThreshold
                    && probeProjection > 0
                    && top[0].Projection / probeProjection >= s.ProbeProjectionProportionThreshold;
        return new WordAbsorption(probeProjection, fraction, full, top);
    }

    /// <summary>The <paramref name="count"/> latents of largest probe projection, largest first, ties to the lower index.</summary>
    static List<LatentProjection> TopProjections(ReadOnlySpan<float> latents, ReadOnlySpan<float> probeCosines, int count)
    {
        var all = new LatentProjection[latents.Length];
        for (int i = 0; i < latents.Length; i++) all[i] = new LatentProjection(i, latents[i], probeCosines[i]);
        return all.OrderByDescending(x => x.Projection).ThenBy(x => x.Latent).Take(count).ToList();
    }
}
