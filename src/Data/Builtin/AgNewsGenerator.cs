using SaePipeline.Runtime;

namespace SaePipeline.Data.Builtin;

/// <summary>
/// News items shaped like fancyzhx/ag_news: a headline, often a wire tag ("(Reuters) Reuters - "), then one to three
/// sentences (more when short) of 30–60 words in all, labelled 0 World, 1 Sports, 2 Business, 3 Sci/Tech in equal shares.
/// </summary>
public sealed class AgNewsGenerator : ITextGenerator
{
    readonly Grammar[] grammars = NewsTopics.Topics.Select(t => new Grammar([], CommonRules.Rules, NewsTopics.Shared, t)).ToArray();
    static readonly string[] Labels = ["0", "1", "2", "3"];

    public DatasetKind Kind => DatasetKind.AgNews;

    public string Name => "ag_news";

    public GeneratedRow Generate(long index, long seed, string split) => Generate(DocumentRandom.For(seed, Name, split, index));

    internal GeneratedRow Generate(SplitMix64 random)
    {
        int topic = random.NextInt(grammars.Length);
        var grammar = grammars[topic];
        var item = new Paragraph(400);
        item.Add(grammar, "lead", random);
        int sentences = random.Between(1, 3);
        for (int s = 0; (s < sentences || item.Words < 30) && item.Words < 50 && s < 6; s++) item.Add(grammar, "sentence", random);
        return new GeneratedRow(item.ToString(), [Labels[topic]]);
    }
}
