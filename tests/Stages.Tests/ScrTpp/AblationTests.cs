using SaePipeline.Activations;
using SaePipeline.Activations.Labelled;
using SaePipeline.Evals;
using SaePipeline.Evals.ScrTpp;
using SaePipeline.Probes;
using SaePipeline.Sae;
using static TorchSharp.torch;

namespace SaePipeline.Tests.ScrTpp;

/// <summary>
/// The closed-form ablation (<see cref="AblatedLogits"/>) against SAEBench's per-token computation written out with
/// tensors: pad each text to the context with zero vectors (BOS zeroed too), encode every position, keep the error
/// term, zero the ablated latents, decode, sum over all positions, divide by the real tokens, apply the probe.
/// </summary>
public sealed class AblationTests
{
    const int D = 6, F = 10, Context = 8;

    static ReluSae Sae(bool zeroCodeFires)
    {
        var g = new Generator(7);
        var wEnc = randn([D, F], generator: g);
        var wDec = randn([F, D], generator: g);
        // A positive b_enc − b_dec·W_enc makes encode(0) fire: SAEBench's padding leak then shifts the pooled activation.
        var bEnc = zeroCodeFires ? rand([F], generator: g).add_(0.5) : full([F], -100f);
        return new ReluSae(wEnc, bEnc, wDec, randn([D], generator: g).mul_(0.1));
    }

    static CachedText[] Texts()
    {
        var random = new Random(3);
        return new[] { 3, 7, 1, 5 }.Select((n, i) => new CachedText(10 + i,
            Enumerable.Range(0, n).Select(_ => Enumerable.Range(0, D).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray()).ToArray())).ToArray();
    }

    /// <summary>SAEBench's ablated_precomputed_activations followed by the probe, one text at a time.</summary>
    static double DirectLogit(ReluSae sae, LinearProbe probe, CachedText text, int[] ablated, bool leak)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = zeros([Context, D]);
        for (int t = 0; t < text.Tokens.Length; t++) x[t + 1] = tensor(text.Tokens[t]);   // position 0 is BOS, zeroed
        var f = sae.Encode(x);
        var error = x - sae.Decode(f);
        var fAblated = f.clone();
        var positions = leak ? arange(Context) : arange(1, text.Tokens.Length + 1);    // leak off: real positions only
        foreach (int i in ablated) fAblated.index_put_(zeros([positions.shape[0]]), [TensorIndex.Tensor(positions), TensorIndex.Single(i)]);
        var pooled = (sae.Decode(fAblated) + error).sum(dim: 0) / text.Tokens.Length;
        return probe.Logit(pooled.data<float>().ToArray());
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void ClosedFormEqualsThePerTokenComputation(bool zeroCodeFires, bool leak)
    {
        using var dir = new TempDir();
        var texts = Texts();
        var cache = LabelledCaches.Write(dir.Path, D, Context, new Dictionary<string, IReadOnlyList<CachedText>> { ["test"] = texts });
        var rows = texts.Select(t => t.Doc).ToList();
        using var sae = Sae(zeroCodeFires);
        var pooled = PooledActivations.Compute(cache, "test", rows, out int empty);
        var sums = LatentSums.Compute(sae, cache, "test", rows, CPU);
        Assert.Equal(0, empty);
        Assert.Equal(texts.Select(t => t.Tokens.Length), sums.ValidTokens);   // BOS is not a real token
        var decoder = SaeDecoder.From(sae);
        Assert.Equal(zeroCodeFires, decoder.ZeroCode.Any(v => v > 0));

        var probe = new LinearProbe([0.5f, -1f, 0.25f, 2f, 0f, -0.75f], 0.1f);
        var g = decoder.Attribution(probe);
        var ablation = new AblatedLogits(pooled, sums, decoder, Context, leak);
        foreach (int[] ablated in new[] { Array.Empty<int>(), [3], [0, 4, 9], Enumerable.Range(0, F).ToArray() })
            for (int r = 0; r < texts.Length; r++)
                Assert.Equal(DirectLogit(sae, probe, texts[r], ablated, leak), ablation.Logit(probe, g, r, ablated), 1e-3);
    }

    [Fact]
    public void ThePaddingLeakMovesLogitsOnlyWhenTheZeroCodeFires()
    {
        using var dir = new TempDir();
        var texts = Texts();
        var cache = LabelledCaches.Write(dir.Path, D, Context, new Dictionary<string, IReadOnlyList<CachedText>> { ["test"] = texts });
        var rows = texts.Select(t => t.Doc).ToList();
        var probe = new LinearProbe([0.5f, -1f, 0.25f, 2f, 0f, -0.75f], 0.1f);
        foreach (bool fires in new[] { true, false })
        {
            using var sae = Sae(fires);
            var pooled = PooledActivations.Compute(cache, "test", rows, out _);
            var sums = LatentSums.Compute(sae, cache, "test", rows, CPU);
            var decoder = SaeDecoder.From(sae);
            var g = decoder.Attribution(probe);
            int[] all = Enumerable.Range(0, F).ToArray();
            double withLeak = new AblatedLogits(pooled, sums, decoder, Context, true).Logit(probe, g, 2, all);   // 1 real token, 7 padded
            double without = new AblatedLogits(pooled, sums, decoder, Context, false).Logit(probe, g, 2, all);
            if (fires) Assert.True(Math.Abs(withLeak - without) > 0.1, $"leak {withLeak} vs none {without}");
            else Assert.Equal(without, withLeak);
        }
    }
}
