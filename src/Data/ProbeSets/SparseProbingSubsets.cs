namespace SaePipeline.Data.ProbeSets;

/// <summary>
/// One of SAEBench's sparse-probing data sets (docs/saebench.md §3): a label column of a source data set kind, the classes
/// that each get a one-vs-rest probe, and how each class's texts are drawn. <see cref="BalancedBy"/> set: train_set_size/4
/// texts per (class, that column's group), as TPP draws them (bias_in_bios by gender, amazon categories by rating);
/// null: train_set_size/2 texts per class (SAEBench's sentiment, ag_news, github-code and europarl loaders).
/// </summary>
/// <param name="Id">Our name for it in pipeline.yaml.</param>
/// <param name="SaeBenchName">Its name in SAEBench's JSON (without the "_results" suffix).</param>
public sealed record SparseProbingSubset(string Id, string SaeBenchName, DatasetKind Kind, string Label, IReadOnlyList<string> Classes, string? BalancedBy)
{
    /// <summary>The name SAEBench's JSON gives it: its Hugging Face name for files, builtin:&lt;id&gt; for our built-in data.</summary>
    public string JsonName(bool builtin) => builtin ? $"builtin:{Id}" : SaeBenchName;
}

/// <summary>SAEBench's eight sparse-probing data sets, in the order of its default dataset_names.</summary>
public static class SparseProbingSubsets
{
    public static readonly IReadOnlyList<SparseProbingSubset> All =
    [
        new("bias_in_bios_class_set1", "LabHC/bias_in_bios_class_set1", DatasetKind.BiasInBios, "profession", ["0", "1", "2", "6", "9"], "gender"),
        new("bias_in_bios_class_set2", "LabHC/bias_in_bios_class_set2", DatasetKind.BiasInBios, "profession", ["11", "13", "14", "18", "19"], "gender"),
        new("bias_in_bios_class_set3", "LabHC/bias_in_bios_class_set3", DatasetKind.BiasInBios, "profession", ["20", "21", "22", "25", "26"], "gender"),
        new("amazon_reviews_mcauley_1and5", "canrager/amazon_reviews_mcauley_1and5", DatasetKind.AmazonReviews, "category", ["1", "2", "3", "5", "6"], "rating"),
        new("amazon_reviews_mcauley_1and5_sentiment", "canrager/amazon_reviews_mcauley_1and5_sentiment", DatasetKind.AmazonReviews, "rating", ["1.0", "5.0"], null),
        new("github_code", "codeparrot/github-code", DatasetKind.GithubCode, "language", ["C", "Python", "HTML", "Java", "PHP"], null),
        new("ag_news", "fancyzhx/ag_news", DatasetKind.AgNews, "label", ["0", "1", "2", "3"], null),
        new("europarl", "Helsinki-NLP/europarl", DatasetKind.Europarl, "language", ["en", "fr", "de", "es", "nl"], null),
    ];

    public static SparseProbingSubset? Find(string id) => All.FirstOrDefault(s => s.Id == id);
}
