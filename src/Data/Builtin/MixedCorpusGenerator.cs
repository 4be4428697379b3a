using SaePipeline.Runtime;

namespace SaePipeline.Data.Builtin;

/// <summary>
/// Unlabelled documents for pretraining a small language model: each document is drawn from one source of the
/// mixture (<see cref="MixedCorpusSettings"/>): general prose, bios, reviews, news, code, or a paragraph of
/// parliament sentences in one of five languages. The source is picked from the document's own random stream, so a
/// mixed document is a pure function of (seed, split, index) like every other.
/// </summary>
public sealed class MixedCorpusGenerator : ITextGenerator
{
    readonly WeightedChoice sources;
    readonly Func<SplitMix64, GeneratedRow>[] writers;

    public MixedCorpusGenerator(MixedCorpusSettings? settings = null)
    {
        settings ??= new MixedCorpusSettings();
        double[] weights = [settings.Prose, settings.Bios, settings.Reviews, settings.News, settings.Code, settings.Languages];
        if (weights.Any(w => w < 0 || !double.IsFinite(w)) || weights.Sum() <= 0)
            throw new PipelineException($"mixed: mixture weights must be non-negative and not all zero (got {string.Join(", ", weights)})");
        sources = new WeightedChoice(weights);
        var prose = new GeneralProseGenerator();
        var bios = new BiasInBiosGenerator(settings.BiosSettings);
        var reviews = new AmazonReviewsGenerator();
        var news = new AgNewsGenerator();
        var code = new GithubCodeGenerator();
        var europarl = new EuroparlGenerator();
        writers = [prose.Generate, bios.Generate, reviews.Generate, news.Generate, code.Generate, europarl.Paragraph];
    }

    public DatasetKind Kind => DatasetKind.Text;

    public string Name => "mixed";

    public GeneratedRow Generate(long index, long seed, string split)
    {
        var random = DocumentRandom.For(seed, Name, split, index);
        return new GeneratedRow(writers[sources.Sample(random)](random).Text, []);
    }
}
