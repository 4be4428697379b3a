using System.Diagnostics;
using System.Text.RegularExpressions;
using SaePipeline.Data;
using SaePipeline.Data.Builtin;
using SaePipeline.Runtime;
using Xunit.Abstractions;

namespace SaePipeline.Tests.Data;

/// <summary>
/// The built-in world's generators: determinism and random access, SAEBench's columns and class names, bias_in_bios'
/// profession shares, female rates and Cramér's V against values typed in here from the paper (not read from the
/// generator), hard_text style, and enough variety in the pretraining mixture.
/// </summary>
public sealed partial class BuiltinGeneratorTests(ITestOutputHelper output)
{
    public static TheoryData<string> Names => [.. BuiltinDatasets.Names];

    // De-Arteaga et al. 2019 via the task brief: (share of all bios %, female %) in label order.
    static readonly (string Name, double Share, double Female)[] Paper =
    [
        ("accountant", 1.4, 37), ("architect", 2.5, 24), ("attorney", 8.2, 38), ("chiropractor", 0.7, 27), ("comedian", 0.7, 21),
        ("composer", 1.4, 16), ("dentist", 3.7, 35), ("dietitian", 1.0, 93), ("dj", 0.4, 14), ("filmmaker", 1.8, 33),
        ("interior designer", 0.4, 81), ("journalist", 5.1, 50), ("model", 1.9, 83), ("nurse", 4.9, 91), ("painter", 2.0, 46),
        ("paralegal", 0.4, 85), ("pastor", 0.6, 24), ("personal trainer", 0.4, 46), ("photographer", 6.2, 35), ("physician", 10.0, 49),
        ("poet", 1.8, 49), ("professor", 29.8, 45), ("psychologist", 4.6, 62), ("rapper", 0.4, 10), ("software engineer", 1.7, 16),
        ("surgeon", 3.4, 15), ("teacher", 4.1, 60), ("yoga teacher", 0.4, 85),
    ];

    static double[] PaperShares => Paper.Select(p => p.Share / Paper.Sum(q => q.Share)).ToArray();

    [Theory]
    [MemberData(nameof(Names))]
    public void SameSeedGivesTheSameTableFromAFreshGenerator(string name)
    {
        var first = BuiltinDatasets.Table(BuiltinDatasets.For(name), 400, 7, "train");
        var second = BuiltinDatasets.Table(BuiltinDatasets.For(name), 400, 7, "train");
        Assert.Equal(first.Texts, second.Texts);
        foreach (var (column, labels) in first.Labels) Assert.Equal(labels.Values, second.Labels[column].Values);
        Assert.Equal($"builtin:{name} seed 7 train", first.Source);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void OtherSeedsAndSplitsGiveOtherDocuments(string name)
    {
        var generator = BuiltinDatasets.For(name);
        var baseline = BuiltinDatasets.Table(generator, 400, 7, "train").Texts;
        foreach (var other in new[] { BuiltinDatasets.Table(generator, 400, 8, "train"), BuiltinDatasets.Table(generator, 400, 7, "test") })
        {
            int same = baseline.Zip(other.Texts).Count(p => p.First == p.Second);
            // europarl sentences are the least varied; two independent draws coincide well under 5% of the time.
            Assert.True(same < 20, $"{name}: {same} of 400 documents equal across seeds/splits");
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void RowsGeneratedBackwardsOneAtATimeMatchTheParallelTable(string name)
    {
        var generator = BuiltinDatasets.For(name);
        var table = BuiltinDatasets.Table(generator, 300, 3, "heldout");
        for (int i = 299; i >= 0; i--)
        {
            var row = generator.Generate(i, 3, "heldout");
            Assert.Equal(table.Texts[i], row.Text);
            for (int c = 0; c < generator.Kind.Labels.Count; c++) Assert.Equal(table.Labels[generator.Kind.Labels[c].Name].Values[i], row.Labels[c]);
        }
        var offset = BuiltinDatasets.Table(generator, 100, 3, "heldout", first: 200);
        Assert.Equal(table.Texts.Skip(200), offset.Texts);
    }

    static readonly Dictionary<string, Dictionary<string, string[]>> ValidClasses = new()
    {
        ["bias_in_bios"] = new() { ["profession"] = Enumerable.Range(0, 28).Select(i => i.ToString()).ToArray(), ["gender"] = ["0", "1"] },
        ["amazon_reviews"] = new() { ["category"] = ["1", "2", "3", "5", "6", "11", "18", "24", "26", "30"], ["rating"] = ["1.0", "5.0"] },
        ["ag_news"] = new() { ["label"] = ["0", "1", "2", "3"] },
        ["github_code"] = new() { ["language"] = ["C", "HTML", "Java", "PHP", "Python"] },
        ["europarl"] = new() { ["language"] = ["de", "en", "es", "fr", "nl"] },
        ["mixed"] = new(),
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void TablesHaveTheColumnsOfTheirKindAndEveryClassAppears(string name)
    {
        var generator = BuiltinDatasets.For(name);
        var table = BuiltinDatasets.Table(generator, 3000, 5, "train");
        Assert.Equal(DatasetKind.Find(name) ?? DatasetKind.Text, generator.Kind);
        Assert.Equal(generator.Kind.Labels.Select(l => l.Name).Order(), table.Labels.Keys.Order());
        foreach (var spec in generator.Kind.Labels)
        {
            var column = table.Label(spec.Name);
            Assert.Equal(spec.Kind, column.Kind);
            Assert.Equal(3000, column.Values.Count);
            // Classes() orders ints and floats numerically and parses them, which also checks the spelling ("5.0").
            Assert.Equal(ValidClasses[name][spec.Name].Order(StringComparer.Ordinal), column.Classes().Order(StringComparer.Ordinal));
        }
        Assert.Equal(ValidClasses[name].Keys.Order(), table.Labels.Keys.Order());
    }

    [Theory]
    [InlineData("bias_in_bios", 30, 170)]
    [InlineData("amazon_reviews", 20, 120)]
    [InlineData("ag_news", 20, 90)]
    [InlineData("europarl", 8, 70)]
    public void ProseHasPlausibleLengthsAndNoGrammarLeftovers(string name, int minWords, int maxWords)
    {
        var table = BuiltinDatasets.Table(BuiltinDatasets.For(name), 2000, 9, "train");
        foreach (var text in table.Texts)
        {
            int words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
            Assert.InRange(words, minWords, maxWords);
            Assert.DoesNotContain("  ", text);
            Assert.DoesNotContain("{", text);
            Assert.DoesNotContain("}", text);
            Assert.DoesNotContain("|", text);
            Assert.Equal(text.Trim(), text);
        }
    }

    [Fact]
    public void CodeHasRealLinesIndentationAndLanguageSyntax()
    {
        var table = BuiltinDatasets.Table(BuiltinDatasets.For("github_code"), 1500, 4, "train");
        var language = table.Label("language").Values;
        for (int i = 0; i < table.Count; i++)
        {
            string code = table.Texts[i];
            var lines = code.TrimEnd('\n').Split('\n');
            Assert.InRange(lines.Length, 10, 60);
            Assert.Contains(lines, l => l.StartsWith("    ", StringComparison.Ordinal) || l.StartsWith("  <", StringComparison.Ordinal));
            string marker = language[i] switch
            {
                "C" => "#include <stdio.h>",
                "Python" => "def ",
                "HTML" => "<!DOCTYPE html>",
                "Java" => "public class ",
                _ => "<?php",
            };
            Assert.Contains(marker, code);
            if (language[i] is "C" or "Java" or "PHP") Assert.Equal(code.Count(c => c == '{'), code.Count(c => c == '}'));
        }
    }

    [Fact]
    public void BiosFollowThePapersProfessionSharesAndFemaleRates()
    {
        const int n = 50_000;
        var table = BuiltinDatasets.Table(BuiltinDatasets.For("bias_in_bios"), n, 11, "train");
        var (counts, female) = Contingency(table);
        var shares = PaperShares;
        double worstShareZ = 0, worstRateZ = 0;
        for (int p = 0; p < 28; p++)
        {
            // 4.5 binomial standard deviations per cell: with 56 cells a fair generator fails this with probability ~4e-4.
            double share = counts[p] / (double)n, sdShare = Math.Sqrt(shares[p] * (1 - shares[p]) / n);
            Assert.True(Math.Abs(share - shares[p]) <= 4.5 * sdShare, $"{Paper[p].Name}: share {share:0.0000} vs {shares[p]:0.0000}");
            double rate = female[p] / (double)counts[p], expected = Paper[p].Female / 100, sdRate = Math.Sqrt(expected * (1 - expected) / counts[p]);
            Assert.True(Math.Abs(rate - expected) <= 4.5 * sdRate, $"{Paper[p].Name}: female {rate:0.000} vs {expected:0.000} over {counts[p]}");
            worstShareZ = Math.Max(worstShareZ, Math.Abs(share - shares[p]) / sdShare);
            worstRateZ = Math.Max(worstRateZ, Math.Abs(rate - expected) / sdRate);
        }
        output.WriteLine($"largest deviations in binomial sds: share {worstShareZ:0.00}, female rate {worstRateZ:0.00}");
        double v = EmpiricalCramersV(counts, female);
        output.WriteLine($"real rates: empirical Cramér's V {v:0.0000}, population {PopulationCramersV(shares, Paper.Select(p => p.Female / 100).ToArray()):0.0000}");
        Assert.InRange(v, 0.33, 0.37);   // population V of the paper's rates is 0.347
    }

    [Theory]
    [InlineData(0.2)]
    [InlineData(0.5)]
    public void BiosReachTheRequestedCramersV(double requested)
    {
        var generator = new BiasInBiosGenerator(new BiosSettings { GenderProfessionCorrelation = requested });
        var (counts, female) = Contingency(BuiltinDatasets.Table(generator, 50_000, 12, "train"));
        double v = EmpiricalCramersV(counts, female);
        output.WriteLine($"requested V {requested}: empirical {v:0.0000}");
        // Sampling sd of V̂ at N = 50k is about 0.005, and its upward bias (df/N under the root) about 0.001.
        Assert.InRange(v, requested - 0.02, requested + 0.02);
        Assert.Equal(requested, PopulationCramersV(PaperShares, generator.FemaleRates.ToArray()), 6);

        // One scale factor for every profession: deviations from 50% keep their signs and ratios unless clamped.
        var real = Paper.Select(p => p.Female / 100 - 0.5).ToArray();
        var scaled = generator.FemaleRates.Select(f => f - 0.5).ToArray();
        double s = scaled[21] / real[21];   // professor: far from both clamps
        for (int p = 0; p < 28; p++)
            if (Math.Abs(generator.FemaleRates[p] - 0.5) < 0.489) Assert.Equal(real[p] * s, scaled[p], 9);
    }

    [Theory]
    [InlineData(0.95)]
    [InlineData(-0.1)]
    public void AnUnreachableCorrelationNamesTheReachableRange(double requested)
    {
        var error = Assert.Throws<PipelineException>(() => new BiasInBiosGenerator(new BiosSettings { GenderProfessionCorrelation = requested }));
        Assert.Matches(@"reachable Cramér's V is 0 to 0\.9[0-9]{2}", error.Message);
    }

    [Fact]
    public void BiosRarelyNameTheirProfessionButItCanBeInferredFromTheWords()
    {
        var generator = BuiltinDatasets.For("bias_in_bios");
        var train = BuiltinDatasets.Table(generator, 20_000, 13, "train");
        var test = BuiltinDatasets.Table(generator, 5_000, 13, "test");
        var profession = train.Label("profession").Values.Select(int.Parse).ToArray();

        int withTitle = 0;
        for (int i = 0; i < train.Count; i++)
            if (Regex.IsMatch(train.Texts[i], $@"\b{Paper[profession[i]].Name}\b", RegexOptions.IgnoreCase)) withTitle++;
        output.WriteLine($"bios naming their own profession: {withTitle / (double)train.Count:P1}");
        Assert.True(withTitle < 0.15 * train.Count, $"{withTitle} of {train.Count} bios name their profession");

        var classifier = NearestCentroid.Fit(train.Texts, profession, 28);
        var truth = test.Label("profession").Values.Select(int.Parse).ToArray();
        double accuracy = test.Texts.Select((t, i) => classifier.Predict(t) == truth[i]).Average(hit => hit ? 1.0 : 0.0);
        double majority = truth.GroupBy(t => t).Max(g => g.Count()) / (double)truth.Length;
        output.WriteLine($"nearest-centroid accuracy {accuracy:0.000} (majority class {majority:0.000})");
        Assert.True(accuracy > 0.8, $"accuracy {accuracy:0.000}, majority baseline {majority:0.000}");
    }

    [Fact]
    public void PronounsAndHonorificsAgreeWithTheGenderLabel()
    {
        var table = BuiltinDatasets.Table(BuiltinDatasets.For("bias_in_bios"), 10_000, 14, "train");
        var gender = table.Label("gender").Values;
        string[] male = ["he", "his", "him", "himself", "mr"], female = ["she", "her", "hers", "herself", "ms", "mrs"];
        for (int i = 0; i < table.Count; i++)
        {
            var words = Words().Matches(table.Texts[i]).Select(m => m.Value.ToLowerInvariant()).ToHashSet();
            var (own, other) = gender[i] == "1" ? (female, male) : (male, female);
            Assert.True(words.Overlaps(own), $"bio {i} ({gender[i]}) has no pronoun of its gender: {table.Texts[i]}");
            Assert.False(words.Overlaps(other), $"bio {i} ({gender[i]}) has a pronoun of the other gender: {table.Texts[i]}");
        }
        Assert.InRange(gender.Count(g => g == "1") / (double)table.Count, 0.44, 0.50);   // Σ w_p f_p of the paper's rates = 0.46
    }

    [Fact]
    public void TheMixedCorpusHasFewDuplicatesAndAManyWordedVocabulary()
    {
        const int n = 20_000;
        var stopwatch = Stopwatch.StartNew();
        var texts = BuiltinDatasets.Table(BuiltinDatasets.For("mixed"), n, 15, "train").Texts;
        output.WriteLine($"mixed: {n} documents in {stopwatch.Elapsed.TotalSeconds:0.00} s (parallel)");
        int distinct = texts.Distinct(StringComparer.Ordinal).Count();
        var vocabulary = texts.SelectMany(t => t.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries)).ToHashSet(StringComparer.Ordinal);
        output.WriteLine($"duplicates {(n - distinct) / (double)n:P2}, distinct whitespace-separated words {vocabulary.Count}");
        Assert.True(n - distinct < n / 100, $"{n - distinct} duplicate documents");
        // Cities, surnames, invented names, numbers and identifiers: far beyond what a small model could memorise.
        Assert.True(vocabulary.Count > 30_000, $"only {vocabulary.Count} distinct words");
        Assert.All(texts, t => Assert.False(string.IsNullOrWhiteSpace(t)));
    }

    [Fact]
    public void MixtureWeightsPickTheSources()
    {
        string[] codeMarkers = ["#include <", "def ", "<!DOCTYPE html>", "public class ", "<?php"];
        bool IsCode(string text) => codeMarkers.Any(text.Contains);
        var codeOnly = new MixedCorpusSettings { Prose = 0, Bios = 0, Reviews = 0, News = 0, Code = 1, Languages = 0 };
        Assert.All(BuiltinDatasets.Table(BuiltinDatasets.For("mixed", mixed: codeOnly), 200, 1, "train").Texts, t => Assert.True(IsCode(t), t));
        var proseOnly = codeOnly with { Code = 0, Prose = 1 };
        Assert.All(BuiltinDatasets.Table(BuiltinDatasets.For("mixed", mixed: proseOnly), 200, 1, "train").Texts, t => Assert.False(IsCode(t), t));
        var defaults = BuiltinDatasets.Table(BuiltinDatasets.For("mixed"), 4000, 1, "train").Texts;
        double code = defaults.Count(IsCode) / (double)defaults.Count;
        Assert.InRange(code, 0.10 - 4.5 * 0.0047, 0.10 + 4.5 * 0.0047);   // default weight 10%, binomial sd at n = 4000
        Assert.Throws<PipelineException>(() => BuiltinDatasets.For("mixed", mixed: proseOnly with { Prose = 0 }));
    }

    [Fact]
    public void AnUnknownNameListsTheBuiltinOnes()
    {
        var error = Assert.Throws<PipelineException>(() => BuiltinDatasets.For("wikitext"));
        foreach (var name in BuiltinDatasets.Names) Assert.Contains(name, error.Message);
    }

    [Theory]
    [InlineData("apple", "an apple")]
    [InlineData("university", "a university")]
    [InlineData("hour", "an hour")]
    [InlineData("nurse", "a nurse")]
    [InlineData("interior designer", "an interior designer")]
    [InlineData("8-hour shift", "an 8-hour shift")]
    public void ArticlesFollowTheSoundOfTheWord(string word, string expected)
    {
        var grammar = new Grammar([], new Dictionary<string, string[]> { ["np"] = [word], ["s"] = ["{@np}"] });
        Assert.Equal(expected, grammar.Expand("s", new SplitMix64(1)));
    }

    [Fact]
    public void GrammarsRejectUnknownNamesAndKeepNumbersInRange()
    {
        Assert.Throws<ArgumentException>(() => new Grammar([], new Dictionary<string, string[]> { ["s"] = ["{missing}"] }));
        Assert.Throws<ArgumentException>(() => new Grammar([], new Dictionary<string, string[]> { ["s"] = ["{not a name}"] }));
        Assert.Throws<ArgumentException>(() => new Grammar([], new Dictionary<string, string[]> { ["s"] = ["{a|b"] }));
        var grammar = new Grammar(["who"], new Dictionary<string, string[]> { ["s"] = ["{^who} was born in {#1990-1995}{| or so}."] });
        var random = new SplitMix64(3);
        var years = new HashSet<int>();
        for (int i = 0; i < 200; i++)
        {
            var m = Regex.Match(grammar.Expand("s", random, ["ada"]), @"^Ada was born in (\d+)( or so)?\.$");
            Assert.True(m.Success);
            years.Add(int.Parse(m.Groups[1].Value));
        }
        Assert.Equal(Enumerable.Range(1990, 6), years.Order());
    }

    [Fact]
    public void Throughput()
    {
        // Reported, not asserted: timings depend on the machine and on what else runs on it.
        foreach (var name in BuiltinDatasets.Names)
        {
            var generator = BuiltinDatasets.For(name);
            generator.Generate(0, 0, "warmup");
            var stopwatch = Stopwatch.StartNew();
            long chars = 0;
            for (int i = 0; i < 10_000; i++) chars += generator.Generate(i, 1, "train").Text.Length;
            output.WriteLine($"{name}: {10_000 / stopwatch.Elapsed.TotalSeconds:0} documents/s single-threaded, {chars / 10_000} chars on average");
        }
    }

    static (int[] Counts, int[] Female) Contingency(TextTable table)
    {
        var counts = new int[28];
        var female = new int[28];
        var profession = table.Label("profession").Values;
        var gender = table.Label("gender").Values;
        for (int i = 0; i < table.Count; i++)
        {
            int p = int.Parse(profession[i]);
            counts[p]++;
            if (gender[i] == "1") female[p]++;
        }
        return (counts, female);
    }

    /// <summary>sqrt(χ²/(N·(min(r, c) − 1))) of the observed 28×2 table, χ² = Σ (O − E)²/E over all 56 cells.</summary>
    static double EmpiricalCramersV(int[] counts, int[] female)
    {
        double n = counts.Sum(), females = female.Sum(), chi2 = 0;
        for (int p = 0; p < counts.Length; p++)
        {
            if (counts[p] == 0) continue;
            double expectedFemale = counts[p] * females / n, expectedMale = counts[p] * (n - females) / n;
            chi2 += Math.Pow(female[p] - expectedFemale, 2) / expectedFemale + Math.Pow(counts[p] - female[p] - expectedMale, 2) / expectedMale;
        }
        return Math.Sqrt(chi2 / n);
    }

    /// <summary>The same statistic for the expected table: probabilities in place of counts.</summary>
    static double PopulationCramersV(double[] shares, double[] femaleRates)
    {
        double pf = shares.Zip(femaleRates).Sum(x => x.First * x.Second), chi2 = 0;
        for (int p = 0; p < shares.Length; p++)
            chi2 += Math.Pow(shares[p] * femaleRates[p] - shares[p] * pf, 2) / (shares[p] * pf)
                  + Math.Pow(shares[p] * (1 - femaleRates[p]) - shares[p] * (1 - pf), 2) / (shares[p] * (1 - pf));
        return Math.Sqrt(chi2);
    }

    [GeneratedRegex(@"[A-Za-z]+")]
    private static partial Regex Words();

    /// <summary>Bag-of-words nearest centroid with idf weights and cosine similarity: the simplest probe of "inferable".</summary>
    sealed class NearestCentroid
    {
        readonly Dictionary<string, double> idf;
        readonly Dictionary<string, double>[] centroids;

        NearestCentroid(Dictionary<string, double> idf, Dictionary<string, double>[] centroids) => (this.idf, this.centroids) = (idf, centroids);

        public static NearestCentroid Fit(IReadOnlyList<string> texts, int[] labels, int classes)
        {
            var documentFrequency = new Dictionary<string, int>();
            var bags = texts.Select(Bag).ToArray();
            foreach (var bag in bags) foreach (var word in bag.Keys) documentFrequency[word] = documentFrequency.GetValueOrDefault(word) + 1;
            var idf = documentFrequency.ToDictionary(kv => kv.Key, kv => Math.Log(texts.Count / (double)kv.Value));
            var centroids = Enumerable.Range(0, classes).Select(_ => new Dictionary<string, double>()).ToArray();
            for (int i = 0; i < bags.Length; i++)
                foreach (var (word, weight) in Weighted(bags[i], idf)) centroids[labels[i]][word] = centroids[labels[i]].GetValueOrDefault(word) + weight;
            foreach (var centroid in centroids) Normalise(centroid);
            return new NearestCentroid(idf, centroids);
        }

        public int Predict(string text)
        {
            var vector = Weighted(Bag(text), idf);
            Normalise(vector);
            int best = 0;
            double bestScore = double.NegativeInfinity;
            for (int c = 0; c < centroids.Length; c++)
            {
                double score = vector.Sum(kv => kv.Value * centroids[c].GetValueOrDefault(kv.Key));
                if (score > bestScore) (best, bestScore) = (c, score);
            }
            return best;
        }

        static Dictionary<string, int> Bag(string text)
        {
            var bag = new Dictionary<string, int>();
            foreach (Match m in Words().Matches(text)) bag[m.Value.ToLowerInvariant()] = bag.GetValueOrDefault(m.Value.ToLowerInvariant()) + 1;
            return bag;
        }

        static Dictionary<string, double> Weighted(Dictionary<string, int> bag, Dictionary<string, double> idf) =>
            bag.ToDictionary(kv => kv.Key, kv => kv.Value * idf.GetValueOrDefault(kv.Key));

        static void Normalise(Dictionary<string, double> vector)
        {
            double norm = Math.Sqrt(vector.Values.Sum(v => v * v));
            if (norm > 0) foreach (var key in vector.Keys.ToList()) vector[key] /= norm;
        }
    }
}
