using System.Text;
using SaePipeline.Runtime;

namespace SaePipeline.Data.Builtin;

/// <summary>
/// One parliament sentence per row, like Helsinki-NLP/europarl flattened to (sentence, language), in equal shares of
/// "en", "fr", "de", "es" and "nl". A row is sometimes two sentences, as sentence splitting of the proceedings leaves them.
/// </summary>
public sealed class EuroparlGenerator : ITextGenerator
{
    public static readonly IReadOnlyList<string> Languages = ["en", "fr", "de", "es", "nl"];

    readonly Grammar[] grammars = Languages.Select(l => new Grammar([], EuroparlGrammars.ByLanguage[l])).ToArray();

    public DatasetKind Kind => DatasetKind.Europarl;

    public string Name => "europarl";

    public GeneratedRow Generate(long index, long seed, string split) => Generate(DocumentRandom.For(seed, Name, split, index));

    internal GeneratedRow Generate(SplitMix64 random)
    {
        int language = random.NextInt(grammars.Length);
        var text = new StringBuilder(200);
        grammars[language].Expand("sentence", random, text);
        if (random.Chance(0.15))
        {
            text.Append(' ');
            grammars[language].Expand("sentence", random, text);
        }
        return new GeneratedRow(text.ToString(), [Languages[language]]);
    }

    /// <summary>Several consecutive sentences in one language, the unit the pretraining mixture uses.</summary>
    internal GeneratedRow Paragraph(SplitMix64 random)
    {
        int language = random.NextInt(grammars.Length);
        var text = new StringBuilder(1200);
        for (int n = random.Between(3, 8); n > 0; n--)
        {
            if (text.Length > 0) text.Append(' ');
            grammars[language].Expand("sentence", random, text);
        }
        return new GeneratedRow(text.ToString(), [Languages[language]]);
    }
}
