using System.Text;
using SaePipeline.Data;
using SaePipeline.Runtime;

namespace SaePipeline.Tests.Data;

/// <summary>CSV data set files: RFC 4180 quoting as pandas writes it, typed labels, and errors that name file, line and column.</summary>
public sealed class CsvTextReaderTests
{
    // Texts that need every quoting rule: a comma, a doubled quote, a line break inside the field, and a quote
    // inside an unquoted field (kept as text, as pandas keeps it).
    static readonly string[] Texts = ["Broke after a day, sadly.", "The \"premium\" one.", "Two lines\nof review.", "It's 5\" long"];

    [Fact]
    public void QuotedCommasQuotesAndLineBreaksReadBackAsWritten()
    {
        using var dir = new TempDir();
        // What pandas' DataFrame.to_csv(index=False) writes for these rows (it quotes only where needed).
        string path = dir.File("reviews.csv",
            "text,category,rating\n" +
            "\"Broke after a day, sadly.\",6,1.0\n" +
            "\"The \"\"premium\"\" one.\",1,5.0\n" +
            "\"Two lines\nof review.\",1,4.5\n" +
            "It's 5\" long,2,5\n");
        var table = TextFileReader.Read(path, DatasetKind.AmazonReviews);
        Assert.Equal(Texts, table.Texts);
        Assert.Equal(["6", "1", "1", "2"], table.Label("category").Values);
        Assert.Equal(["1.0", "5.0", "4.5", "5.0"], table.Label("rating").Values);   // Python's str of the floats
    }

    [Fact]
    public void CsvAndJsonlOfTheSameRowsGiveEqualTables()
    {
        using var dir = new TempDir();
        long[] categories = [6, 1, 1, 2];
        double[] ratings = [1, 5, 4.5, 5];
        string jsonl = dir.File("reviews.jsonl", string.Join("\n", Texts.Select((t, i) =>
            System.Text.Json.JsonSerializer.Serialize(new { text = t, category = categories[i], rating = ratings[i] }))));
        string Quote(string s) => "\"" + s.Replace("\"", "\"\"") + "\"";
        // Every field quoted, CRLF line ends, a UTF-8 byte order mark, blank lines and no newline after the last row.
        string csv = Path.Combine(dir.Path, "reviews.csv");
        File.WriteAllText(csv, "rating,text,category\r\n\r\n" + string.Join("\r\n", Texts.Select((t, i) =>
            $"{Quote(ratings[i].ToString(System.Globalization.CultureInfo.InvariantCulture))},{Quote(t)},{Quote(categories[i].ToString())}")),
            new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        var fromJson = TextFileReader.Read(jsonl, DatasetKind.AmazonReviews);
        var fromCsv = TextFileReader.Read(csv, DatasetKind.AmazonReviews);
        Assert.Equal(fromJson.Texts, fromCsv.Texts);
        foreach (var label in DatasetKind.AmazonReviews.Labels)
            Assert.Equal(fromJson.Label(label.Name).Values, fromCsv.Label(label.Name).Values);
    }

    [Fact]
    public void ASaeProbesFileReadsThroughAColumnMapping()
    {
        using var dir = new TempDir();
        // sae-probes' cleaned_data layout: prompt, prompt_len, target.
        string path = dir.File("10_nyc_borough.csv", """
            prompt,prompt_len,target
            HONG KONG TRADE DEVELOPMENT,6,Manhattan
            BERKELEY CARROLL MIDDLE & HIGH SCHOOL,9,Brooklyn
            "MARINER'S HARBOR HSES BLDG 19",15,Staten Island
            """);
        var table = TextFileReader.Read(path, DatasetKind.Europarl, new Dictionary<string, string> { ["text"] = "prompt", ["language"] = "target" });
        Assert.Equal(["HONG KONG TRADE DEVELOPMENT", "BERKELEY CARROLL MIDDLE & HIGH SCHOOL", "MARINER'S HARBOR HSES BLDG 19"], table.Texts);
        Assert.Equal(["Manhattan", "Brooklyn", "Staten Island"], table.Label("language").Values);
    }

    [Fact]
    public void ARowErrorNamesTheLineItStartsOnEvenAfterAMultiLineField()
    {
        using var dir = new TempDir();
        string path = dir.File("a.csv", "text,label\n\"one\ntwo\nthree\",1\nfour,1,extra\n");
        var e = Assert.Throws<PipelineException>(() => TextFileReader.Read(path, DatasetKind.AgNews));
        Assert.Contains($"{path}:5:", e.Message);   // the quoted field took lines 2–4
        Assert.Contains("3 fields, but the header has 2 columns", e.Message);
    }

    [Fact]
    public void ErrorsNameFileLineAndColumn()
    {
        using var dir = new TempDir();
        string Error(string name, string content, DatasetKind kind, IReadOnlyDictionary<string, string>? columns = null) =>
            Assert.Throws<PipelineException>(() => TextFileReader.Read(dir.File(name, content), kind, columns)).Message;
        string P(string name) => Path.Combine(dir.Path, name);

        Assert.Contains($"{P("open.csv")}:3: a quote opened here is never closed", Error("open.csv", "text,label\nok,1\n\"never closed,2\nmore\n", DatasetKind.AgNews));
        Assert.Contains($"{P("after.csv")}:2: 'x' after a closing quote", Error("after.csv", "text,label\n\"quoted\"x,1\n", DatasetKind.AgNews));
        var missing = Error("missing.csv", "prompt,target\nhi,1\n", DatasetKind.AgNews);
        Assert.Contains("no column 'text'", missing);
        Assert.Contains("the header has: prompt, target", missing);
        Assert.Contains($"{P("empty-label.csv")}:3: 'label' is empty", Error("empty-label.csv", "text,label\na,1\nb,\n", DatasetKind.AgNews));
        Assert.Contains($"{P("empty-text.csv")}:2: 'bio' (mapped to text) is empty",
                        Error("empty-text.csv", "bio,profession,gender\n\"\",3,1\n", DatasetKind.BiasInBios, new Dictionary<string, string> { ["text"] = "bio" }));
        Assert.Contains($"{P("float.csv")}:2: 'label' is \"1.5\", expected an integer", Error("float.csv", "text,label\na,1.5\n", DatasetKind.AgNews));
        Assert.Contains($"{P("word.csv")}:2: 'rating' is \"five\", expected a number", Error("word.csv", "text,category,rating\na,1,five\n", DatasetKind.AmazonReviews));
        Assert.Contains($"{P("twice.csv")}:1: the header names column 'text' twice", Error("twice.csv", "text,text,label\na,b,1\n", DatasetKind.AgNews));
        Assert.Contains("is empty: a CSV data set needs a header row", Error("nothing.csv", "\n\n", DatasetKind.Text));
        Assert.Contains("has no rows", Error("header-only.csv", "text\n", DatasetKind.Text));
    }
}
