using SaePipeline.Activations.Labelled;
using SaePipeline.Data;
using SaePipeline.Data.ProbeSets;
using SaePipeline.Probes;
using SaePipeline.Sae;
using SaePipeline.Tests.ScrTpp;
using static TorchSharp.torch;

namespace SaePipeline.Tests.Sae;

/// <summary>
/// What the precision-targeted adversarial objective reads: an SCR pair's texts from a labelled cache (real tokens only,
/// labels from the table), and the frozen probes' accuracies on pooled reconstructions, on a world where gender lies on
/// e0 and profession on e1 exactly.
/// </summary>
public sealed class PrecisionAdversarialDataTests
{
    const int D = 4;
    static readonly ConceptColumns Bios = ConceptColumns.BiasInBios;

    internal static (LabelledTexts Texts, TextTable Table) World(TempDir dir)
    {
        var table = PlantedWorld.Table(Enumerable.Range(0, 20).SelectMany(_ => new[] { ("21", "0"), ("13", "1"), ("21", "1"), ("13", "0"), ("2", "0") }));
        var pair = ScrSets.Build(Bios, table, table, Bios.FindTarget("professor")!, Bios.FindTarget("nurse")!, 5, 5);
        var rows = pair.Keys.SelectMany(k => k.Train).Distinct().Order().ToList();   // the biased key's extra texts too, as in a real cache
        var texts = PlantedWorld.Texts(rows, 1, noise: 0, (row, _) =>
        {
            var x = new float[D];
            x[0] = table.Label("gender").Values[row] == "0" ? 2 : -2;
            x[1] = table.Label("profession").Values[row] == "21" ? 1 : -1;
            x[2] = row;   // tells the texts apart
            return x;
        });
        var cache = LabelledCaches.Write(dir.Path, D, PlantedWorld.Context, new Dictionary<string, IReadOnlyList<CachedText>>
        {
            [DatasetSource.Train] = texts,
            [DatasetSource.Test] = texts,
        });
        var sets = new ProbeSetFile
        {
            Task = ProbeSelection.Scr, Dataset = "bios", JsonName = "bios", Kind = "bias_in_bios", TrainPerGroup = 5, TestPerGroup = 5, Pairs = [pair],
        };
        return (LabelledTexts.Load(cache, DatasetSource.Train, sets, pair), table);
    }

    [Fact]
    public void APairsTextsComeWithTheirLabelsAndOnlyTheirRealTokens()
    {
        using var dir = new TempDir();
        var (texts, table) = World(dir);
        Assert.Equal(20, texts.Count);                                   // 5 per quadrant
        for (int e = 0; e < texts.Count; e++)
        {
            int doc = texts.Docs[e];
            Assert.Equal(table.Label("profession").Values[doc] == "21" ? 1f : 0f, texts.Target[e]);
            Assert.Equal(table.Label("gender").Values[doc] == "0" ? 1f : 0f, texts.Spurious[e]);
        }
        Assert.DoesNotContain(LabelledCaches.BosValue, texts.Acts);       // BOS never counts
        using var scope = NewDisposeScope();
        var (acts, text, target, _) = texts.Batch([3, 0], CPU);
        Assert.Equal(2 * PlantedWorld.Tokens, acts.shape[0]);
        Assert.Equal([0L, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1], text.data<long>().ToArray());
        Assert.Equal((float)texts.Docs[3], acts[0, 2].item<float>());   // the batch's first text is text 3
        Assert.Equal([texts.Target[3], texts.Target[0]], target.data<float>().ToArray());
    }

    [Fact]
    public void FrozenProbesScoreReconstructionsAndAblatingTheGenderLatentsTakesGenderToChance()
    {
        using var dir = new TempDir();
        var (texts, _) = World(dir);
        using var scope = NewDisposeScope();
        // An SAE that reconstructs exactly: latent i reads +e_i, latent D + i reads −e_i.
        var identity = eye(D);
        using var sae = new ReluSae(cat([identity, identity.neg()], 1), zeros(2 * D), cat([identity, identity.neg()], 0), zeros(D));
        var e0 = new float[D];
        e0[0] = 1;
        var e1 = new float[D];
        e1[1] = 1;
        using var probes = new FrozenScrProbes(new LinearProbe(e0, 0), new LinearProbe(e1, 0), CPU);
        Assert.Equal((1.0, 1.0), probes.Accuracies(sae, texts, [], CPU, textsPerChunk: 7));
        // Zeroing both gender latents leaves gender logits at 0, predicted negative: right for the female half only.
        Assert.Equal((0.5, 1.0), probes.Accuracies(sae, texts, [0, D], CPU));
    }
}
