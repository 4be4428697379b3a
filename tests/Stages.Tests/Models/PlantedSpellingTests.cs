using SaePipeline.Evals.Absorption;
using SaePipeline.Models.Builtin;
using SaePipeline.Models.Tokenizers;
using Xunit;
using static TorchSharp.torch;

namespace SaePipeline.Tests.Models;

/// <summary>
/// The first-letter directions planted in the built-in model's embeddings: the same words as absorption's vocabulary
/// rule (a second implementation, in Evals.Absorption), and exactly scale·u_letter added to those rows, u orthonormal.
/// </summary>
public sealed class PlantedSpellingTests
{
    static readonly ModelTokenizer Gpt2 = TokenizerLoader.Load(Fixtures.Golden("tokenizer"));

    [Fact]
    public void TheWordsAndLettersAreAbsorptionsOnGpt2sVocabulary()
    {
        int words = 0;
        for (int id = 0; id <= Gpt2.MaxId; id++)
        {
            string token = Gpt2.Decode([id]);
            int? planted = PlantedSpelling.FirstLetter(token);
            Assert.Equal(FirstLetterVocabulary.IsWord(token), planted is not null);
            if (planted is int letter)
            {
                Assert.Equal(FirstLetterVocabulary.LetterOf(token), letter);
                words++;
            }
        }
        Assert.InRange(words, 20_000, 50_257);     // most of GPT-2's vocabulary is words of letters
    }

    [Fact]
    public void EachWordRowGainsItsLettersDirectionAndNothingElseMoves()
    {
        const double scale = 0.7;
        int vocab = Gpt2.MaxId + 1, d = 32;
        using var before = randn([vocab, d], generator: manual_seed(1)).mul_(0.02);
        using var after = before.clone();
        int planted = PlantedSpelling.Plant(after, Gpt2, scale, seed: 42);
        using var delta = after - before;
        var rows = delta.data<float>().ToArray();

        var direction = new float[26][];
        int count = 0;
        for (int id = 0; id < vocab; id++)
        {
            var row = rows.AsSpan(id * d, d);
            if (PlantedSpelling.FirstLetter(Gpt2.Decode([id])) is not int letter)
            {
                Assert.All(row.ToArray(), v => Assert.Equal(0f, v));
                continue;
            }
            count++;
            direction[letter] ??= row.ToArray();
            for (int j = 0; j < d; j++) Assert.Equal(direction[letter][j], row[j], 4);    // every word of a letter gets the same vector (to float32 rounding of the sum)
        }
        Assert.Equal(count, planted);
        for (int a = 0; a < 26; a++)
            for (int b = a; b < 26; b++)
            {
                double dot = Enumerable.Range(0, d).Sum(j => (double)direction[a][j] * direction[b][j]);
                Assert.Equal(a == b ? scale * scale : 0, dot, 4);
            }
    }

    [Fact]
    public void TheSameSeedPlantsTheSameDirections()
    {
        using var one = zeros(Gpt2.MaxId + 1, 32);
        using var two = zeros(Gpt2.MaxId + 1, 32);
        using var other = zeros(Gpt2.MaxId + 1, 32);
        PlantedSpelling.Plant(one, Gpt2, 1.0, seed: 7);
        PlantedSpelling.Plant(two, Gpt2, 1.0, seed: 7);
        PlantedSpelling.Plant(other, Gpt2, 1.0, seed: 8);
        Assert.True(one.equal(two).all().item<bool>());
        Assert.False(one.equal(other).all().item<bool>());
    }
}
