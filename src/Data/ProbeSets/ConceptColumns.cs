using SaePipeline.Data.Builtin;

namespace SaePipeline.Data.ProbeSets;

/// <summary>One class of a label column: the name people use ("professor", "male") and the value the data holds ("21", "0").</summary>
public sealed record LabelClass(string Name, string Value);

/// <summary>
/// What SCR and TPP read from a labelled data set kind (docs/saebench.md §2.1–2.4): the <em>target</em> column whose
/// classes the probes tell apart (SAEBench's column 1: profession, category), the <em>spurious</em> column SCR
/// correlates with it (column 2: gender, rating) with its two classes in SAEBench's order (S+, S−), the names of
/// the target classes, SAEBench's default SCR pairs and TPP classes, and the data set name SAEBench's JSON uses.
/// </summary>
public sealed record ConceptColumns(
    DatasetKind Kind,
    string SaeBenchName,
    string Target,
    string Spurious,
    LabelClass SpuriousPositive,
    LabelClass SpuriousNegative,
    IReadOnlyList<LabelClass> TargetClasses,
    IReadOnlyList<(string Positive, string Negative)> DefaultScrPairs,
    IReadOnlyList<string> DefaultTppClasses)
{
    /// <summary>LabHC/bias_in_bios: profession (0–27) against gender (male 0 = S+, female 1 = S−).</summary>
    public static readonly ConceptColumns BiasInBios = new(
        DatasetKind.BiasInBios, "LabHC/bias_in_bios_class_set1", "profession", "gender",
        new LabelClass("male", "0"), new LabelClass("female", "1"),
        BiosProfession.All.Select(p => new LabelClass(p.Name, p.Code.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList(),
        [("professor", "nurse"), ("architect", "journalist"), ("surgeon", "psychologist"), ("attorney", "teacher")],
        ["0", "1", "2", "6", "9"]);

    /// <summary>canrager/amazon_reviews_mcauley_1and5: category against rating (1.0 = S+, 5.0 = S−, SAEBench's order).</summary>
    public static readonly ConceptColumns AmazonReviews = new(
        DatasetKind.AmazonReviews, "canrager/amazon_reviews_mcauley_1and5", "category", "rating",
        new LabelClass("1.0", "1.0"), new LabelClass("5.0", "5.0"),
        AmazonCategories.All,
        [("Books", "CDs_and_Vinyl"), ("Software", "Electronics"), ("Pet_Supplies", "Office_Products"), ("Industrial_and_Scientific", "Toys_and_Games")],
        ["1", "2", "3", "5", "6"]);

    public static readonly IReadOnlyList<ConceptColumns> All = [BiasInBios, AmazonReviews];

    public static ConceptColumns? For(string kind) => All.FirstOrDefault(c => c.Kind.Name == kind);

    /// <summary>A target class by its name ("professor") or by its value ("21"), or null.</summary>
    public LabelClass? FindTarget(string nameOrValue) =>
        TargetClasses.FirstOrDefault(c => c.Name == nameOrValue) ?? TargetClasses.FirstOrDefault(c => c.Value == nameOrValue);

    /// <summary>The name SAEBench's JSON gives this data set: its Hugging Face name for files, builtin:&lt;kind&gt; for ours.</summary>
    public string JsonName(bool builtin) => builtin ? $"builtin:{Kind.Name}" : SaeBenchName;
}

/// <summary>
/// The category codes of canrager/amazon_reviews_mcauley_1and5 (the <c>category</c> column), by name. The built-in
/// generator uses ten of them (<see cref="ReviewCategories"/>); a file may hold any.
/// </summary>
public static class AmazonCategories
{
    static readonly string[] Names =
    [
        "All_Beauty", "Toys_and_Games", "Cell_Phones_and_Accessories", "Industrial_and_Scientific", "Gift_Cards",
        "Musical_Instruments", "Electronics", "Handmade_Products", "Arts_Crafts_and_Sewing", "Baby_Products",
        "Health_and_Household", "Office_Products", "Digital_Music", "Grocery_and_Gourmet_Food", "Sports_and_Outdoors",
        "Home_and_Kitchen", "Subscription_Boxes", "Tools_and_Home_Improvement", "Pet_Supplies", "Video_Games",
        "Kindle_Store", "Clothing_Shoes_and_Jewelry", "Patio_Lawn_and_Garden", "Unknown", "Books", "Automotive",
        "CDs_and_Vinyl", "Beauty_and_Personal_Care", "Amazon_Fashion", "Magazine_Subscriptions", "Software",
        "Health_and_Personal_Care", "Appliances", "Movies_and_TV",
    ];

    /// <summary>Code i is the i-th name.</summary>
    public static readonly IReadOnlyList<LabelClass> All =
        Names.Select((n, i) => new LabelClass(n, i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList();
}
