using SaePipeline.Config;
using SaePipeline.Evals.Absorption;
using SaePipeline.Sae;
using static TorchSharp.torch;
using Xunit;

namespace SaePipeline.Tests.Absorption;

/// <summary>
/// Absorption on a world with a known answer, through the whole per-SAE evaluation (k-sparse probes, feature splits,
/// the calculator, SAEBench's per-letter aggregation). Every word is x = 2·u_letter + 3·t_word with orthonormal letter
/// directions u and one orthonormal direction t per word, and the letter probe is exact. The planted SAE has one main
/// latent per letter (encoder and decoder u_c, bias −1, so it fires 1 on its letter's words) and, for three of the
/// letter a's test words, an absorbing latent: it reads t_word and decodes to (u_a + t_word)/√2, while the main latent
/// of a is inhibited on exactly those words. So those three of a's six test words are fully absorbed (fraction 1) and
/// nothing else is: a's mean absorption fraction and full-absorption rate are 3/6, every other letter's 0.
/// </summary>
public sealed class PlantedAbsorptionTests
{
    const int Letters = 26, TrainPerLetter = 24, TestPerLetter = 6, Absorbed = 3;
    const int Words = Letters * (TrainPerLetter + TestPerLetter), D = Letters + Words;

    /// <summary>"a" + a two-letter suffix per index: distinct words of letters only, first letter c.</summary>
    static string Word(int c, int i) => $"{(char)('a' + c)}{(char)('a' + i / 26)}{(char)('a' + i % 26)}";

    // SAEBench's k-sparse ranking probe takes minibatches of 4096: with these 624 train words that is one Adam step per
    // epoch, 50 in all, which cannot move weights off their ±1/√d_sae initialisation. Smaller batches give it 500.
    static readonly AbsorptionConfig Settings = new() { KSparseProbeBatchSize = 64 };

    static (FirstLetterSeed Set, FirstLetterTensors Tensors, int[] AbsorbedTokens) World()
    {
        var train = new List<string>();
        var test = new List<string>();
        for (int c = 0; c < Letters; c++)
            for (int i = 0; i < TrainPerLetter + TestPerLetter; i++)
                (i < TrainPerLetter ? train : test).Add(Word(c, i));
        // Word j of the combined list (train, then test) owns direction Letters + j.
        float[] Acts(IReadOnlyList<string> words, int offset)
        {
            var x = new float[words.Count * D];
            for (int w = 0; w < words.Count; w++)
            {
                x[w * D + FirstLetterVocabulary.LetterOf(words[w])] = 2;
                x[w * D + Letters + offset + w] = 3;
            }
            return x;
        }
        var probeWeights = new float[Letters * D];
        var probeBias = new float[Letters];
        for (int c = 0; c < Letters; c++)
        {
            probeWeights[c * D + c] = 10;   // score 10·(x·u_c) − 10: +10 on the letter's words, −10 on the others
            probeBias[c] = -10;
        }
        var set = new FirstLetterSeed
        {
            Seed = 1, TrainWords = train, TestWords = test, AbsorptionWords = Enumerable.Range(0, test.Count).ToList(),
            Letters = Enumerable.Range(0, Letters).Select(c => new LetterProbeScore(((char)('a' + c)).ToString(), TrainPerLetter, TestPerLetter, 1, 1, 1)).ToList(),
            PromptTokenPos = -6, ExamplePrompt = "",
        };
        var testActs = Acts(test, train.Count);
        var tensors = new FirstLetterTensors(Acts(train, 0), testActs, testActs, new LinearMultiProbe(probeWeights, probeBias, Letters, D));
        // The first three test words of a are absorbed: test index 0, 1, 2, tokens Letters + train.Count + 0..2.
        return (set, tensors, Enumerable.Range(0, Absorbed).Select(i => Letters + train.Count + i).ToArray());
    }

    static ReluSae PlantedSae(int[] absorbedTokens)
    {
        int dSae = Letters + absorbedTokens.Length;
        var wEnc = zeros([D, dSae]);
        var wDec = zeros([dSae, D]);
        var bEnc = full([dSae], -1f);
        for (int c = 0; c < Letters; c++)
        {
            wEnc[c, c] = 1;
            wDec[c, c] = 1;
        }
        for (int j = 0; j < absorbedTokens.Length; j++)
        {
            int latent = Letters + j, token = absorbedTokens[j];
            wEnc[token, latent] = 1;                    // fires 3 − 1 = 2 on its word only
            wEnc[token, 0] = -1;                        // and silences a's main latent there: 2 − 3 − 1 < 0
            wDec[latent, 0] = (float)Math.Sqrt(0.5);
            wDec[latent, token] = (float)Math.Sqrt(0.5);
        }
        return new ReluSae(wEnc, bEnc, wDec, zeros([D]));
    }

    [Fact]
    public void APlantedAbsorbingLatentIsScoredAsAbsorbingAndNothingElseIs()
    {
        var (set, tensors, absorbed) = World();
        using var sae = PlantedSae(absorbed);
        var result = AbsorptionEvaluation.Evaluate(sae, set, tensors, Settings, CPU);

        Assert.True(result.Scored);
        Assert.Equal(Letters, result.Letters.Count);
        var a = result.Letters.Single(l => l.Letter == "a");
        Assert.Equal([0], a.MainLatents);
        Assert.Equal(TestPerLetter, a.NumProbeTruePositives);
        Assert.Equal((double)Absorbed / TestPerLetter, a.MeanAbsorptionFraction, 9);
        Assert.Equal((double)Absorbed / TestPerLetter, a.FullAbsorptionRate, 9);
        Assert.Equal(Absorbed, a.NumFullAbsorption);
        foreach (var other in result.Letters.Where(l => l.Letter != "a"))
        {
            Assert.Equal([other.Letter[0] - 'a'], other.MainLatents);
            Assert.Equal(0, other.MeanAbsorptionFraction);
            Assert.Equal(0, other.FullAbsorptionRate);
        }
        var metrics = result.Metrics();
        Assert.Equal(0.5 / Letters, metrics["mean_absorption_fraction_score"], 9);
        Assert.Equal(0.5 / Letters, metrics["mean_full_absorption_score"], 9);
        Assert.Equal(1.0, metrics["mean_num_split_features"]);
    }

    [Fact]
    public void ARandomSaeIsNotScoredAsAbsorbing()
    {
        var (set, tensors, _) = World();
        var generator = new Generator(7);
        var wDec = randn([1024, D], generator: generator);
        wDec /= wDec.norm(1, keepdim: true);
        var wEnc = randn([1024, D], generator: generator);
        wEnc /= wEnc.norm(1, keepdim: true);
        using var sae = new ReluSae(wEnc.t().contiguous(), zeros([1024]), wDec, zeros([D]));
        var result = AbsorptionEvaluation.Evaluate(sae, set, tensors, Settings, CPU);

        Assert.True(result.Scored);
        Assert.All(result.Letters, l => Assert.Equal(0, l.FullAbsorptionRate));
        Assert.True(result.Metrics()["mean_absorption_fraction_score"] < 0.01, $"random SAE's absorption fraction {result.Metrics()["mean_absorption_fraction_score"]}");
    }

    [Fact]
    public void AModelThatKnowsTooFewLettersIsNotScored()
    {
        var (set, tensors, absorbed) = World();
        var weak = set with { Letters = set.Letters.Select((l, c) => c < 7 ? l : l with { F1 = 0.5 }).ToList() };   // 7 letters above 0.6
        using var sae = PlantedSae(absorbed);
        var result = AbsorptionEvaluation.Evaluate(sae, weak, tensors, Settings, CPU);
        Assert.False(result.Scored);
        Assert.Equal(7, result.LettersAboveMinF1);
        Assert.Empty(result.Metrics());
    }
}
