using SaePipeline.Config;
using SaePipeline.Evals.Causal;
using SaePipeline.Models;
using SaePipeline.Sae;
using SaePipeline.Tests.Models;
using static TorchSharp.torch;

namespace SaePipeline.Tests.Causal;

/// <summary>
/// NCES and the latent interventions on an SAE whose latents have known effects: a latent that writes nothing has no
/// effect, one that never fires has no NCES, a latent writing twice the direction moves the model more, and every
/// effect equals a direct, one-latent, full-forward computation.
/// </summary>
public sealed class CausalEffectsTests
{
    const int Hidden = 8;

    /// <summary>
    /// Latents 0–3 read the same random direction u (so fire together), and write: 0 nothing, 1 the direction v,
    /// 2 the direction 2v, 3 the direction w. Latent 4 reads −u with a large negative bias: it never fires.
    /// The rest are random.
    /// </summary>
    internal static ReluSae KnownSae(int d)
    {
        using var scope = NewDisposeScope();
        var g = new Generator(21);
        var u = randn([d], generator: g);
        u /= u.norm();
        var v = randn([d], generator: g);
        v /= v.norm();
        var w = randn([d], generator: g);
        w /= w.norm();
        var wEnc = randn([d, Hidden], generator: g) * 0.1f;
        var wDec = randn([Hidden, d], generator: g) * 0.1f;
        var bEnc = zeros([Hidden]);
        for (int i = 0; i < 4; i++) wEnc[TensorIndex.Colon, TensorIndex.Single(i)] = u;
        wEnc[TensorIndex.Colon, TensorIndex.Single(4)] = -u;
        bEnc[4] = -1000f;
        wDec[0] = zeros([d]);
        wDec[1] = v;
        wDec[2] = v * 2;
        wDec[3] = w;
        return new ReluSae(wEnc, bEnc, wDec, zeros([d]), applyBDecToInput: false);
    }

    internal static (LanguageModel Model, Tensor Ids, Tensor Acts, Tensor Kept, HookPoint Hook) World()
    {
        var model = ModelLoader.Load(Fixtures.Golden("gpt_neox", "model"), ScalarType.Float32, CPU);
        var ids = Golden.Load("gpt_neox").InputIds;
        var hook = HookPoint.Parse("blocks.0.hook_resid_post", model.Dims.NLayers);
        using var result = model.Forward(ids, null, new ForwardRequest { Capture = [hook.Name], StopAtLayer = 0 });
        var acts = result.Activations[hook.Name].clone();
        var kept = ones_like(ids, ScalarType.Bool);
        kept[TensorIndex.Colon, 0] = tensor(false);   // the first position stands in for BOS
        return (model, ids, acts, kept, hook);
    }

    [Fact]
    public void EffectsFollowWhatEachLatentWrites()
    {
        using var scope = NewDisposeScope();
        var (model, ids, acts, kept, hook) = World();
        using var _ = model;
        using var sae = KnownSae(model.Dims.DModel);
        var stats = new LatentStatistics(Hidden, seed: 1);
        var effects = CausalEffects.Compute(model, hook, sae, ids, acts, kept, Enumerable.Range(0, Hidden).ToList(), InterventionKind.Zero, stats, new Generator(1));

        Assert.True(effects[1].MeanActivation > 0, "the planted latents must fire on these tokens");
        Assert.Equal(0.0, effects[0].EffectKl);                        // writes nothing: intervening changes nothing
        Assert.Equal(0.0, effects[0].Nces);                            // alive and inert
        Assert.Equal(effects[0].MeanActivation, effects[1].MeanActivation);
        Assert.True(effects[2].EffectKl > effects[1].EffectKl, $"writing 2v ({effects[2].EffectKl}) should move the model more than v ({effects[1].EffectKl})");
        Assert.Equal(0.0, effects[4].MeanActivation);                  // never fires: dead, so no NCES
        Assert.True(double.IsNaN(effects[4].Nces));
        Assert.Equal(effects[1].EffectKl / effects[1].MeanActivation, effects[1].Nces, 12);
    }

    [Fact]
    public void BatchedEffectsEqualOneLatentPerFullForwardPass()
    {
        using var scope = NewDisposeScope();
        var (model, ids, acts, kept, hook) = World();
        using var _ = model;
        using var sae = KnownSae(model.Dims.DModel);
        var stats = new LatentStatistics(Hidden, seed: 1);
        var latents = new[] { 1, 2, 3, 5 };
        var batched = CausalEffects.Compute(model, hook, sae, ids, acts, kept, latents, InterventionKind.Zero, stats, new Generator(1));

        // Independently: per latent, a full forward pass from the tokens with the intervened reconstruction spliced in,
        // and KL(p ‖ q) written out with softmaxes.
        using var noGrad = no_grad();
        long b = ids.shape[0], t = ids.shape[1];
        int d = model.Dims.DModel;
        var f = sae.Encode(acts.reshape(b * t, d));
        var xHat = sae.Decode(f).reshape(b, t, d);
        var keep = kept.unsqueeze(-1);
        Tensor Logits(Tensor replacement) => model.Forward(ids, null, new ForwardRequest
        {
            Logits = true, Replace = new Dictionary<string, HookReplacement> { [hook.Name] = new(_ => replacement) },
        }).Logits!;
        var p = Logits(where(keep, xHat, acts)).softmax(-1);
        foreach (var (latent, effect) in latents.Zip(batched))
        {
            var fi = f[TensorIndex.Colon, TensorIndex.Single(latent)].reshape(b, t, 1);
            var q = Logits(where(keep, xHat - fi * sae.W_dec[latent], acts)).softmax(-1);
            var kl = (p * (p.log() - q.log())).sum(-1) * kept.to(ScalarType.Float32);
            double expected = kl.sum().item<float>() / kept.sum().item<long>();
            Assert.Equal(latent, effect.Latent);
            Assert.Equal(expected, effect.EffectKl, Math.Max(1e-7, Math.Abs(expected) * 1e-3));
        }
        // One latent per pass gives the same numbers as four per pass.
        var single = CausalEffects.Compute(model, hook, sae, ids, acts, kept, latents, InterventionKind.Zero, stats, new Generator(1),
                                           maxLogitElements: 1);
        foreach (var (a, s) in batched.Zip(single)) Assert.Equal(a.EffectKl, s.EffectKl, Math.Max(1e-9, a.EffectKl * 1e-5));
    }

    [Fact]
    public void InterventionsSetTheLatentToZeroItsMeanOrOneOfItsValues()
    {
        using var scope = NewDisposeScope();
        var stats = new LatentStatistics(2, seed: 3);
        stats.Observe(tensor(new float[] { 1, 0, 3, 0, 5, 2 }, [3, 2]));   // latent 0 took 1, 3, 5; latent 1 took 0, 0, 2
        Assert.Equal([3f, 2f / 3], stats.Mean());
        var current = tensor(new float[] { 7, 8, 9, 10 });
        Assert.Equal([0f, 0, 0, 0], stats.Replacement(InterventionKind.Zero, 0, current, new Generator(1)).data<float>().ToArray());
        Assert.Equal([3f, 3, 3, 3], stats.Replacement(InterventionKind.Mean, 0, current, new Generator(1)).data<float>().ToArray());
        var drawn = stats.Replacement(InterventionKind.Random, 0, zeros([1000]), new Generator(1)).data<float>().ToArray();
        Assert.All(drawn, x => Assert.Contains(x, new[] { 1f, 3f, 5f }));
        Assert.Equal(3, drawn.Distinct().Count());                    // all three values get drawn
        Assert.InRange(drawn.Average(), 2.8, 3.2);                    // uniformly: mean 3
        Assert.Equal(drawn, stats.Replacement(InterventionKind.Random, 0, zeros([1000]), new Generator(1)).data<float>().ToArray());

        // The reservoir keeps a uniform sample of a long stream in bounded memory.
        var many = new LatentStatistics(1, seed: 5);
        many.Observe(arange(10_000, dtype: ScalarType.Float32).reshape(10_000, 1));
        var sample = many.Sample(0).ToArray();
        Assert.Equal(LatentStatistics.ReservoirSize, sample.Length);
        Assert.InRange(sample.Average(), 3500, 6500);                 // not just the first values
        Assert.Equal(4999.5f, many.Mean()[0], 2);
    }
}
