namespace SaePipeline.Data;

/// <summary>One label a data set kind carries: our name, its type, and the column it has in SAEBench's source.</summary>
public sealed record LabelSpec(string Name, LabelKind Kind, string DefaultColumn);

/// <summary>
/// The shapes of the data sets SAEBench evaluates on (docs/saebench.md §2.2, §3), with their Hugging Face column names
/// as defaults, plus plain text for the training corpus. A file with other column names maps them in pipeline.yaml
/// (<c>columns: {text: bio, profession: job}</c>).
/// </summary>
public sealed record DatasetKind(string Name, string DefaultTextColumn, IReadOnlyList<LabelSpec> Labels)
{
    /// <summary>Plain documents: the corpus a model is trained on and SAEs are trained on the activations of.</summary>
    public static readonly DatasetKind Text = new("text", "text", []);

    /// <summary>LabHC/bias_in_bios: profession 0–27 (accountant … yoga_teacher), gender 0 male / 1 female.</summary>
    public static readonly DatasetKind BiasInBios = new("bias_in_bios", "hard_text",
        [new("profession", LabelKind.Int, "profession"), new("gender", LabelKind.Int, "gender")]);

    /// <summary>canrager/amazon_reviews_mcauley_1and5: category (int code), rating 1.0 or 5.0.</summary>
    public static readonly DatasetKind AmazonReviews = new("amazon_reviews", "text",
        [new("category", LabelKind.Int, "category"), new("rating", LabelKind.Float, "rating")]);

    /// <summary>fancyzhx/ag_news: label 0 World, 1 Sports, 2 Business, 3 Sci/Tech.</summary>
    public static readonly DatasetKind AgNews = new("ag_news", "text", [new("label", LabelKind.Int, "label")]);

    /// <summary>codeparrot/github-code: the file's language (C, Python, HTML, Java, PHP, …).</summary>
    public static readonly DatasetKind GithubCode = new("github_code", "code", [new("language", LabelKind.String, "language")]);

    /// <summary>Helsinki-NLP/europarl, flattened to one sentence per row with its language code (en, fr, de, es, nl).</summary>
    public static readonly DatasetKind Europarl = new("europarl", "text", [new("language", LabelKind.String, "language")]);

    public static readonly IReadOnlyList<DatasetKind> All = [Text, BiasInBios, AmazonReviews, AgNews, GithubCode, Europarl];

    public static DatasetKind? Find(string name) => All.FirstOrDefault(k => k.Name == name);
}
