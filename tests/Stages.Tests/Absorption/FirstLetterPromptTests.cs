using SaePipeline.Config;
using SaePipeline.Evals.Absorption;
using SaePipeline.Models.Tokenizers;
using SaePipeline.Runtime;
using Xunit;

namespace SaePipeline.Tests.Absorption;

/// <summary>The first-letter task's words and prompts, on GPT-2's own tokenizer (tests/fixtures/tokenizer).</summary>
public sealed class FirstLetterPromptTests
{
    static readonly ModelTokenizer Gpt2 = TokenizerLoader.Load(Fixtures.Golden("tokenizer"));

    [Fact]
    public void TheVocabularyIsEveryTokenOfLettersWithAtMostOneLeadingSpace()
    {
        var words = FirstLetterVocabulary.Of(Gpt2).ToHashSet();
        foreach (string w in new[] { " cat", "cat", " Cat", " the", "A" }) Assert.Contains(w, words);
        foreach (string w in new[] { " 123", "'s", " can't", "  cat", "\n", "," }) Assert.DoesNotContain(w, words);
        Assert.All(words, w => Assert.Single(Gpt2.Encode(w)));
    }

    [Theory]
    [InlineData("cat", 2)]
    [InlineData(" Zebra", 25)]
    [InlineData(" apple", 0)]
    public void AWordsLetterIsItsFirstLetterInEitherCase(string word, int letter) => Assert.Equal(letter, FirstLetterVocabulary.LetterOf(word));

    [Fact]
    public void APromptIsTenAnsweredExamplesThenTheWordAndItIsReadAtSaeBenchsOffsetOnGpt2()
    {
        var words = FirstLetterVocabulary.Of(Gpt2).Take(500).ToList();
        var prompts = new FirstLetterPrompts(Gpt2, new AbsorptionConfig());
        var p = prompts.Build(" cat", words, new SplitMix64(3));
        var lines = p.Text.Split('\n');
        Assert.Equal(11, lines.Length);
        Assert.Equal(" cat has the first letter:", lines[^1]);
        foreach (string line in lines[..^1])
        {
            Assert.EndsWith($" has the first letter: {char.ToUpperInvariant(line.TrimStart()[0])}", line);
            Assert.NotEqual(" cat", line[..line.IndexOf(" has", StringComparison.Ordinal)]);
        }
        // BOS first; the word's token where SAEBench reads it: prompt_token_pos −6 for its template on GPT-2.
        Assert.Equal(Gpt2.Special.Bos, p.Ids[0]);
        Assert.Equal(p.Ids.Length - 6, p.WordPosition);
        Assert.Equal(Gpt2.Encode(" cat").Single(), p.Ids[p.WordPosition]);
    }

    [Fact]
    public void ATemplateThatGluesTextOntoTheWordIsRefusedByName()
    {
        var prompts = new FirstLetterPrompts(Gpt2, new AbsorptionConfig { PromptTemplate = "{word}s start with:" });
        var e = Assert.Throws<PipelineException>(() => prompts.Build(" cat", [" dog", " tree", " house", " car", " sun", " moon", " day", " red", " blue", " one", " two"], new SplitMix64(1)));
        Assert.Contains("prompt_template", e.Message);
    }
}
