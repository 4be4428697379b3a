using SaePipeline.Activations.Core;
using SaePipeline.Evals.Core;
using SaePipeline.Models.Tokenizers;
using static TorchSharp.torch;

namespace SaePipeline.Tests.Core;

/// <summary>The downstream pass's formulas on hand-made tensors: per-position CE and KL, masks, pooling and the scores.</summary>
public sealed class DownstreamMetricsTests
{
    [Fact]
    public void TokenLossAndKlAreTheTextbookFormulas()
    {
        using var scope = NewDisposeScope();
        // One row, three positions, a vocabulary of three.
        var p = new[] { new[] { 1.0, 2.0, 0.5 }, new[] { 0.0, 0.0, 3.0 }, new[] { -1.0, 1.0, 1.0 } };
        var q = new[] { new[] { 0.5, 2.5, 0.0 }, new[] { 1.0, 0.0, 0.0 }, new[] { 0.0, 0.0, 0.0 } };
        var ids = new long[] { 2, 1, 2 };
        var logitsP = tensor(p.SelectMany(r => r).Select(x => (float)x).ToArray(), [1, 3, 3]);
        var logitsQ = tensor(q.SelectMany(r => r).Select(x => (float)x).ToArray(), [1, 3, 3]);
        static double[] Softmax(double[] z) => z.Select(Math.Exp).Select(e => e / z.Sum(Math.Exp)).ToArray();

        var ce = CorePasses.TokenLoss(logitsP, tensor(ids, [1, 3])).data<float>().ToArray();
        Assert.Equal(2, ce.Length);                                          // no target after the last position
        for (int t = 0; t < 2; t++) Assert.Equal(-Math.Log(Softmax(p[t])[ids[t + 1]]), ce[t], 5);

        var kl = CorePasses.TokenKl(logitsP, logitsQ).data<float>().ToArray();
        for (int t = 0; t < 3; t++)
        {
            var (sp, sq) = (Softmax(p[t]), Softmax(q[t]));
            Assert.Equal(sp.Select((x, v) => x * Math.Log(x / sq[v])).Sum(), kl[t], 5);
        }
        Assert.Equal(0.0, CorePasses.TokenKl(logitsP, logitsP).abs().max().item<float>(), 7);
    }

    [Fact]
    public void SpecialTokensAreDroppedByInputTokenAndTheMeansArePooled()
    {
        using var scope = NewDisposeScope();
        // Two batches of one row of 4 positions; BOS = 9, PAD = 7. KL is kept where the input token is not special; CE
        // (3 per row) uses the first three columns of that mask, i.e. the input token, not the target.
        var tokens1 = tensor(new long[] { 9, 5, 6, 7 }, [1, 4]);
        var tokens2 = tensor(new long[] { 9, 4, 4, 4 }, [1, 4]);
        var special = new SpecialTokens(9, null, 7);
        var kept1 = CorePasses.Kept(tokens1, special);
        Assert.Equal(new[] { false, true, true, false }, kept1.data<bool>().ToArray());

        var m = new DownstreamMetrics();
        ReconReference Reference(float[] clean, float[] ablated, float[] ablatedKl) =>
            new(zeros(1, 4, 2), tensor(clean, [1, 3]), tensor(ablated, [1, 3]), tensor(ablatedKl, [1, 4]));
        m.AddBatch(kept1, tensor(new float[] { 100, 1, 2, 100 }, [1, 4]), tensor(new float[] { 100, 3, 4 }, [1, 3]),
                   Reference([100, 2, 3], [100, 6, 7], [100, 10, 20, 100]));
        m.AddBatch(CorePasses.Kept(tokens2, special), tensor(new float[] { 100, 3, 3, 3 }, [1, 4]), tensor(new float[] { 100, 5, 5 }, [1, 3]),
                   Reference([100, 4, 4], [100, 8, 8], [100, 30, 30, 30]));
        var r = m.Result();
        // Kept KL positions: batch 1 → 1, 2; batch 2 → 1, 2, 3. Pooled over the 5, not averaged per batch.
        Assert.Equal(5, r.KlTokens);
        Assert.Equal((1 + 2 + 3 + 3 + 3) / 5.0, r.KlDivWithSae, 12);
        Assert.Equal((10 + 20 + 30 + 30 + 30) / 5.0, r.KlDivWithAblation, 12);
        // Kept CE positions: batch 1 → 1, 2 (input tokens 5, 6); batch 2 → 1, 2.
        Assert.Equal(4, r.CeTokens);
        double ceSae = (3 + 4 + 5 + 5) / 4.0, ceClean = (2 + 3 + 4 + 4) / 4.0, ceAbl = (6 + 7 + 8 + 8) / 4.0;
        Assert.Equal(ceSae, r.CeLossWithSae, 12);
        Assert.Equal((ceAbl - ceSae) / (ceAbl - ceClean), r.CeLossScore, 12);
        Assert.Equal((r.KlDivWithAblation - r.KlDivWithSae) / r.KlDivWithAblation, r.KlDivScore, 12);
    }
}
