using SaePipeline.Runtime;

namespace SaePipeline.Data.Builtin;

/// <summary>
/// The built-in world: seeded generators standing in for SAEBench's data sets on a machine without them, by the names
/// a pipeline refers to them ("bias_in_bios", …, "mixed" for the pretraining corpus).
/// </summary>
public static class BuiltinDatasets
{
    public static readonly IReadOnlyList<string> Names = ["bias_in_bios", "amazon_reviews", "ag_news", "github_code", "europarl", "mixed"];

    /// <param name="bios">Settings of bias_in_bios (and of nothing else).</param>
    /// <param name="mixed">Settings of the mixed corpus, including those of its bios part.</param>
    public static ITextGenerator For(string name, BiosSettings? bios = null, MixedCorpusSettings? mixed = null) => name switch
    {
        "bias_in_bios" => new BiasInBiosGenerator(bios),
        "amazon_reviews" => new AmazonReviewsGenerator(),
        "ag_news" => new AgNewsGenerator(),
        "github_code" => new GithubCodeGenerator(),
        "europarl" => new EuroparlGenerator(),
        "mixed" => new MixedCorpusGenerator(mixed),
        _ => throw new PipelineException($"no built-in data set '{name}' (built-in: {string.Join(", ", Names)})"),
    };

    /// <summary>
    /// Rows <paramref name="first"/> … first + count − 1 of (generator, seed, split) as a table with the columns of the
    /// generator's kind. Rows are generated in parallel; each is a pure function of its index, so the table is the same
    /// whatever the thread count.
    /// </summary>
    public static TextTable Table(ITextGenerator generator, int count, long seed, string split, long first = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var rows = new GeneratedRow[count];
        Parallel.For(0, count, i => rows[i] = generator.Generate(first + i, seed, split));
        var specs = generator.Kind.Labels;
        var labels = new Dictionary<string, LabelColumn>();
        for (int c = 0; c < specs.Count; c++)
        {
            int column = c;
            labels[specs[c].Name] = new LabelColumn(specs[c].Name, specs[c].Kind, rows.Select(r => r.Labels[column]).ToArray());
        }
        return new TextTable
        {
            Source = $"builtin:{generator.Name} seed {seed} {split}",
            Texts = rows.Select(r => r.Text).ToArray(),
            Labels = labels,
        };
    }
}
