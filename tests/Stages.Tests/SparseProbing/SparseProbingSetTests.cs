using SaePipeline.Data;
using SaePipeline.Data.ProbeSets;

namespace SaePipeline.Tests.SparseProbing;

/// <summary>
/// Sparse probing's data construction on hand-made tables: per class the rows pandas' <c>sample(n, random_state=seed)</c>
/// draws (NumPy's RandomState(42).permutation(10) begins 8, 1, 5, the published values), n = set size / 2 for the
/// unbalanced data sets; float labels match as numbers; a class short of rows is skipped with its count.
/// </summary>
public sealed class SparseProbingSetTests
{
    static TextTable Table(string column, LabelKind kind, params string[] labels) => new()
    {
        Source = "hand-made",
        Texts = labels.Select((_, i) => $"text {i}").ToList(),
        Labels = new Dictionary<string, LabelColumn> { [column] = new(column, kind, labels) },
    };

    [Fact]
    public void EachClassIsAPandasSampleOfItsRows()
    {
        // ag_news: ten rows of class "0" at 0, 2, …, 18, ten of class "1" at 1, 3, …, 19, and the other classes elsewhere.
        var labels = Enumerable.Range(0, 20).Select(i => i % 2 == 0 ? "0" : "1").Concat(Enumerable.Repeat("2", 10)).Concat(Enumerable.Repeat("3", 10)).ToArray();
        var table = Table("label", LabelKind.Int, labels);
        var rows = SparseProbingSets.Build(SparseProbingSubsets.Find("ag_news")!, table, table, trainSetSize: 6, testSetSize: 6, seed: 42);
        Assert.Empty(rows.Skipped);
        Assert.Equal(["0", "1", "2", "3"], rows.Classes.Select(c => c.Key));
        // n = 6 / 2 = 3 per class: the 8th, 1st and 5th rows of each class (0-based), in that order.
        Assert.Equal([16, 2, 10], rows.Classes[0].Train);
        Assert.Equal([17, 3, 11], rows.Classes[1].Train);
        Assert.Equal([28, 21, 25], rows.Classes[2].Train);
    }

    [Fact]
    public void FloatLabelsMatchAsNumbersAndShortClassesAreSkipped()
    {
        // amazon sentiment from a file that writes ratings as "5" and "1": SAEBench's classes are "1.0" and "5.0".
        var ratings = Enumerable.Range(0, 10).Select(i => i < 8 ? "5" : "1").ToArray();
        var table = new TextTable
        {
            Source = "hand-made",
            Texts = ratings.Select((_, i) => $"review {i}").ToList(),
            Labels = new Dictionary<string, LabelColumn>
            {
                ["rating"] = new("rating", LabelKind.Float, ratings),
                ["category"] = new("category", LabelKind.Int, ratings.Select(_ => "24").ToList()),
            },
        };
        var rows = SparseProbingSets.Build(SparseProbingSubsets.Find("amazon_reviews_mcauley_1and5_sentiment")!, table, table, 6, 4, seed: 42);
        var skipped = Assert.Single(rows.Skipped);
        Assert.Contains("class 1.0", skipped);
        Assert.Contains("has 2 rows of rating 1.0; needs 3", skipped);
        var five = Assert.Single(rows.Classes);
        Assert.Equal("5.0", five.Key);
        Assert.Equal(3, five.Train.Count);
        Assert.All(five.Train, r => Assert.True(r < 8));
    }

    [Fact]
    public void BalancedDataSetsDrawPerClassAndGroupAsTppDoes()
    {
        // bias_in_bios class set 1 needs professions 0, 1, 2, 6, 9; give each 4 men and 4 women.
        var professions = new[] { "0", "1", "2", "6", "9" };
        var pairs = professions.SelectMany(p => Enumerable.Range(0, 8).Select(i => (p, i < 4 ? "0" : "1"))).ToList();
        var table = new TextTable
        {
            Source = "hand-made",
            Texts = pairs.Select((_, i) => $"bio {i}").ToList(),
            Labels = new Dictionary<string, LabelColumn>
            {
                ["profession"] = new("profession", LabelKind.Int, pairs.Select(x => x.p).ToList()),
                ["gender"] = new("gender", LabelKind.Int, pairs.Select(x => x.Item2).ToList()),
            },
        };
        var rows = SparseProbingSets.Build(SparseProbingSubsets.Find("bias_in_bios_class_set1")!, table, table, trainSetSize: 12, testSetSize: 8, seed: 1);
        Assert.Equal(professions, rows.Classes.Select(c => c.Key));
        foreach (var c in rows.Classes)
        {
            Assert.Equal(6, c.Train.Count);                 // 12 / 4 = 3 per gender
            Assert.Equal(3, c.Train.Count(r => pairs[r].Item2 == "0"));
            Assert.Equal(4, c.Test.Count);                  // 8 / 4 = 2 per gender
            Assert.All(c.Train, r => Assert.Equal(c.Key, pairs[r].p));
        }
    }
}
