using SaePipeline.Data;
using SaePipeline.Data.Builtin;
using SaePipeline.Data.ProbeSets;

namespace SaePipeline.Tests.ScrTpp;

/// <summary>
/// SCR's and TPP's data construction on hand-made tables, against row lists written out by hand from SAEBench's rules
/// (docs/saebench.md §2.3–2.4): quadrants in file order, first n / 2n rows per key; TPP's pandas samples per gender.
/// </summary>
public sealed class ProbeSetTests
{
    static readonly ConceptColumns Bios = ConceptColumns.BiasInBios;
    static readonly LabelClass Professor = Bios.FindTarget("professor")!, Nurse = Bios.FindTarget("nurse")!;

    /// <summary>A bias_in_bios table from (profession code, gender code) per row; texts name their row.</summary>
    static TextTable Table(params (int Profession, int Gender)[] rows) => new()
    {
        Source = "hand-made",
        Texts = rows.Select((_, i) => $"bio {i}").ToList(),
        Labels = new Dictionary<string, LabelColumn>
        {
            ["profession"] = new("profession", LabelKind.Int, rows.Select(r => r.Profession.ToString()).ToList()),
            ["gender"] = new("gender", LabelKind.Int, rows.Select(r => r.Gender.ToString()).ToList()),
        },
    };

    const int Prof = 21, Nur = 13, Other = 2, M = 0, F = 1;

    // Rows:                          0            1            2           3           4            5           6
    static readonly (int, int)[] TrainRows =
    [
        (Prof, M), (Nur, F), (Prof, F), (Other, M), (Nur, M), (Prof, M), (Nur, F),
        (Prof, M), (Nur, F), (Prof, F), (Nur, M), (Prof, M), (Nur, F), (Prof, M), (Nur, F),
    ];
    // Quadrants in file order: P∧M 0 5 7 11 13 · P∧F 2 9 · N∧M 4 10 · N∧F 1 6 8 12 14  (row 3 is neither class)

    [Fact]
    public void ScrKeysTakeTheFirstRowsOfEachQuadrantInFileOrder()
    {
        var table = Table(TrainRows);
        var pair = ScrSets.Build(Bios, table, table, Professor, Nurse, trainPerQuadrant: 2, testPerQuadrant: 2);
        Assert.Null(pair.Skipped);
        Assert.Equal("professor_nurse", pair.Name);
        Assert.Equal(new QuadrantCounts(5, 2, 2, 5), pair.TrainQuadrants);
        Assert.Equal(ScrKeys.All, pair.Keys.Select(k => k.Key));
        Assert.Equal([0, 5, 4, 10], pair.Key(ScrKeys.Spurious).Train);          // (P∧M)[:2] + (N∧M)[:2]
        Assert.Equal([2, 9, 1, 6], pair.Key(ScrKeys.SpuriousNegatives).Train);  // (P∧F)[:2] + (N∧F)[:2]
        Assert.Equal([0, 5, 2, 9], pair.Key(ScrKeys.Target).Train);             // (P∧M)[:2] + (P∧F)[:2]
        Assert.Equal([4, 10, 1, 6], pair.Key(ScrKeys.TargetNegatives).Train);   // (N∧M)[:2] + (N∧F)[:2]
        Assert.Equal([0, 5, 7, 11], pair.Key(ScrKeys.Biased).Train);            // (P∧M)[:4]
        Assert.Equal([1, 6, 8, 12], pair.Key(ScrKeys.BiasedNegatives).Train);   // (N∧F)[:4]
    }

    [Fact]
    public void ScrSkipsAPairWhoseQuadrantsAreTooSmallAndSaysWhy()
    {
        var table = Table(TrainRows);
        // n = 3: P∧F and N∧M hold 2 rows each.
        var small = ScrSets.Build(Bios, table, table, Professor, Nurse, 3, 1);
        Assert.Empty(small.Keys);
        Assert.Contains("train split", small.Skipped);
        Assert.Contains("5 professor∧male, 2 professor∧female, 2 nurse∧male, 5 nurse∧female", small.Skipped);
        // n = 2 in train but P∧M must then hold more than 2n = 4 rows: it holds 5, N∧F 5; with n = 2 on a test table
        // whose P∧M has exactly 4 rows, the strict "more than 2n" rule skips the pair.
        var test = Table((Prof, M), (Prof, M), (Prof, M), (Prof, M), (Prof, F), (Prof, F), (Nur, M), (Nur, M), (Nur, F), (Nur, F), (Nur, F), (Nur, F), (Nur, F));
        var strict = ScrSets.Build(Bios, table, test, Professor, Nurse, 2, 2);
        Assert.Contains("test split", strict.Skipped);
        Assert.Contains("4 professor∧male", strict.Skipped);
        Assert.Contains("more than 4 in professor∧male and nurse∧female", strict.Skipped);
    }

    [Fact]
    public void TppSamplesEachGenderOfEachClassAsPandasDoes()
    {
        // Class 21 has 10 male rows (0…9 of the male group) and 4 female; class 13 has 3 of each.
        var rows = new List<(int, int)>();
        for (int i = 0; i < 10; i++) rows.Add((Prof, M));
        for (int i = 0; i < 4; i++) rows.Add((Prof, F));
        for (int i = 0; i < 3; i++) rows.Add((Nur, M));
        for (int i = 0; i < 3; i++) rows.Add((Nur, F));
        var table = Table([.. rows]);
        var seed = TppSets.Build(Bios, table, table, [Professor, Nurse], trainPerGroup: 3, testPerGroup: 4, seed: 42);
        // Train, n = 3: class 21 takes sample(3, random_state=42) of its 10 male rows = positions 8, 1, 5
        // (np.random.RandomState(42).permutation(10)[:3]), then of its 4 female rows (rows 10–13).
        var professor = Assert.Single(seed.Classes);
        Assert.Equal("21", professor.Key);
        int[] female = Enumerable.Range(10, 4).ToArray();
        Assert.Equal([8, 1, 5, .. SaePipeline.Runtime.NumpyRandomState.PandasSample(4, 3, 42).Select(i => female[i])], professor.Train);
        Assert.Equal(6, professor.Train.Count);
        // Test, n = 4: class 21 has 4 female rows (enough); class 13 has 3 per gender in both splits, too few for the test.
        Assert.Equal(8, professor.Test.Count);
        var skipped = Assert.Single(seed.Skipped);
        Assert.Contains("class nurse", skipped);
        Assert.Contains("3 rows of gender 0", skipped);
    }

    [Fact]
    public void TppNeedsTwoSpuriousGroups()
    {
        var table = Table((Prof, M), (Prof, M), (Prof, M), (Nur, M), (Nur, F), (Nur, M), (Nur, F));
        var seed = TppSets.Build(Bios, table, table, [Professor, Nurse], 1, 1, 0);
        Assert.Equal(["13"], seed.Classes.Select(c => c.Key));
        Assert.Contains("1 gender group", Assert.Single(seed.Skipped));
    }

    [Fact]
    public void RowsOfIsTheSortedUnionOfEverySet()
    {
        var table = Table(TrainRows);
        var file = new ProbeSetFile
        {
            Task = "scr", Dataset = "b", JsonName = "b", Kind = "bias_in_bios", TrainPerGroup = 2, TestPerGroup = 1,
            Pairs = [ScrSets.Build(Bios, table, table, Professor, Nurse, 2, 1)],
        };
        Assert.Equal([0, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12], file.RowsOf(DatasetSource.Train));
        Assert.Equal([0, 1, 2, 4, 5, 6], file.RowsOf(DatasetSource.Test));   // n = 1: (P∧M)[:2], (N∧F)[:2], P∧F, N∧M
    }

    [Fact]
    public void ClassNamesAgreeWithTheBuiltInGenerators()
    {
        foreach (var category in ReviewCategories.All)
            Assert.Equal(category.Code.ToString(), ConceptColumns.AmazonReviews.FindTarget(category.Name)!.Value);
        foreach (var profession in BiosProfession.All)
            Assert.Equal(profession.Code.ToString(), Bios.FindTarget(profession.Name)!.Value);
        Assert.Equal("nurse", Bios.FindTarget("13")!.Name);
        Assert.Null(Bios.FindTarget("astronaut"));
    }
}

/// <summary>SCR and TPP selections on data set files as SAEBench's Hugging Face data sets hold them.</summary>
public sealed class FileProbeSetTests
{
    [Fact]
    public void AmazonReviewsFromJsonlSelectByCategoryNameAndFloatRating()
    {
        using var dir = new TempDir();
        // canrager/amazon_reviews_mcauley_1and5: text, category (int code), rating (float 1.0 or 5.0). Books = 24, Software = 30.
        string Row(int i, int category, double rating) =>
            $"{{\"text\": \"review {i}\", \"category\": {category}, \"rating\": {rating.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)}}}";
        var lines = new List<string>();
        for (int i = 0; i < 40; i++) lines.Add(Row(i, i % 2 == 0 ? 24 : 30, i % 4 < 2 ? 1.0 : 5.0));
        string train = dir.File("train.jsonl", string.Join("\n", lines) + "\n"), test = dir.File("test.jsonl", string.Join("\n", lines) + "\n");
        var spec = new DatasetSpec { Name = "reviews", Kind = "amazon_reviews", TrainFile = train, TestFile = test, Seed = 0 };
        var tables = (DatasetSource.Table(spec, DatasetSource.Train), DatasetSource.Table(spec, DatasetSource.Test));

        var scr = new ProbeSelection { Task = ProbeSelection.Scr, TrainPerGroup = 3, TestPerGroup = 2, Pairs = [["Books", "Software"]] }
            .Build(spec, tables.Item1, tables.Item2);
        Assert.Equal("canrager/amazon_reviews_mcauley_1and5", scr.JsonName);   // files are named as SAEBench names the data set
        var pair = Assert.Single(scr.Pairs!);
        Assert.Null(pair.Skipped);
        // S+ is rating 1.0 (SAEBench's column2 order): Books∧1.0 rows are 0, 4, 8, …; Software∧5.0 rows 3, 7, 11, …
        Assert.Equal([0, 4, 8, 12, 16, 20], pair.Key(ScrKeys.Biased).Train);
        Assert.Equal([3, 7, 11, 15, 19, 23], pair.Key(ScrKeys.BiasedNegatives).Train);

        var tpp = new ProbeSelection { Task = ProbeSelection.Tpp, TrainPerGroup = 4, TestPerGroup = 4, Classes = ["24", "30"], Seeds = [42] }
            .Build(spec, tables.Item1, tables.Item2);
        var books = tpp.Seeds![0].Classes[0];
        // Books has 10 rows per rating; pandas takes permutation(10)[:4] = 8, 1, 5, 0 of each group (1.0 first).
        int[] booksLow = [0, 4, 8, 12, 16, 20, 24, 28, 32, 36], booksHigh = [2, 6, 10, 14, 18, 22, 26, 30, 34, 38];
        Assert.Equal([booksLow[8], booksLow[1], booksLow[5], booksLow[0], booksHigh[8], booksHigh[1], booksHigh[5], booksHigh[0]], books.Train);
    }
}
