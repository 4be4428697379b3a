using Parquet;
using Parquet.Schema;
using SaePipeline.Data;
using SaePipeline.Runtime;

namespace SaePipeline.Tests.Data;

public sealed class TextFileReaderTests
{
    static readonly string[] Bios =
    [
        "She has worked in intensive care for twelve years.",
        "He teaches undergraduate courses in medieval history.",
        "His designs for public libraries have won awards.",
    ];
    static readonly long[] Professions = [13, 21, 1];
    static readonly long[] Genders = [1, 0, 0];

    /// <summary>A file shaped like LabHC/bias_in_bios's Parquet shards: hard_text string, profession and gender int64 (pandas' types).</summary>
    static string WriteBiasInBiosParquet(TempDir dir, string name = "train.parquet", bool nullableInts = true, string textColumn = "hard_text")
    {
        string path = Path.Combine(dir.Path, name);
        var text = new DataField<string>(textColumn);
        DataField profession = nullableInts ? new DataField<long?>("profession") : new DataField<long>("profession");
        DataField gender = nullableInts ? new DataField<long?>("gender") : new DataField<long>("gender");
        var schema = new ParquetSchema(text, profession, gender, new DataField<string>("extra"));
        Task.Run(async () =>
        {
            await using var stream = File.Create(path);
            await using var writer = await ParquetWriter.CreateAsync(schema, stream);
            using var group = writer.CreateRowGroup();
            await group.WriteAsync(text, Bios);
            if (nullableInts)
            {
                await group.WriteAsync<long>(profession, (ReadOnlyMemory<long?>)Professions.Select(v => (long?)v).ToArray());
                await group.WriteAsync<long>(gender, (ReadOnlyMemory<long?>)Genders.Select(v => (long?)v).ToArray());
            }
            else
            {
                await group.WriteAsync<long>(profession, (ReadOnlyMemory<long>)Professions);
                await group.WriteAsync<long>(gender, (ReadOnlyMemory<long>)Genders);
            }
            await group.WriteAsync(schema.DataFields[3], new[] { "a", "b", "c" });
        }).GetAwaiter().GetResult();
        return path;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void BiasInBiosParquetReadsToSaeBenchClassNames(bool nullableInts)
    {
        using var dir = new TempDir();
        var table = TextFileReader.Read(WriteBiasInBiosParquet(dir, nullableInts: nullableInts), DatasetKind.BiasInBios);
        Assert.Equal(Bios, table.Texts);
        Assert.Equal(["13", "21", "1"], table.Label("profession").Values);
        Assert.Equal(["1", "0", "0"], table.Label("gender").Values);
        Assert.Equal(LabelKind.Int, table.Label("profession").Kind);
        Assert.Equal(["1", "13", "21"], table.Label("profession").Classes());   // numeric, not ordinal, order
    }

    [Fact]
    public void JsonlAndParquetOfTheSameRowsGiveEqualTables()
    {
        using var dir = new TempDir();
        var parquet = TextFileReader.Read(WriteBiasInBiosParquet(dir), DatasetKind.BiasInBios);
        string jsonl = dir.File("train.jsonl", string.Join("\n", Bios.Select((t, i) =>
            System.Text.Json.JsonSerializer.Serialize(new { hard_text = t, profession = Professions[i], gender = Genders[i] }))) + "\n\n");
        var json = TextFileReader.Read(jsonl, DatasetKind.BiasInBios);
        Assert.Equal(parquet.Texts, json.Texts);
        foreach (var label in DatasetKind.BiasInBios.Labels)
        {
            Assert.Equal(parquet.Label(label.Name).Values, json.Label(label.Name).Values);
            Assert.Equal(parquet.Label(label.Name).Kind, json.Label(label.Name).Kind);
        }
    }

    [Fact]
    public void ColumnMappingRenamesTheTextColumn()
    {
        using var dir = new TempDir();
        string path = WriteBiasInBiosParquet(dir, textColumn: "bio");
        var e = Assert.Throws<PipelineException>(() => TextFileReader.Read(path, DatasetKind.BiasInBios));
        Assert.Contains(path, e.Message);
        Assert.Contains("no column 'hard_text'", e.Message);
        Assert.Contains("bio, profession, gender, extra", e.Message);   // what the file does have
        var table = TextFileReader.Read(path, DatasetKind.BiasInBios, new Dictionary<string, string> { ["text"] = "bio" });
        Assert.Equal(Bios, table.Texts);

        var unknown = Assert.Throws<PipelineException>(() => TextFileReader.Read(path, DatasetKind.BiasInBios, new Dictionary<string, string> { ["job"] = "bio" }));
        Assert.Contains("'job'", unknown.Message);
    }

    [Fact]
    public void AWrongColumnTypeNamesFileAndColumn()
    {
        using var dir = new TempDir();
        string path = WriteBiasInBiosParquet(dir);
        // gender mapped onto the string column "extra"
        var e = Assert.Throws<PipelineException>(() => TextFileReader.Read(path, DatasetKind.BiasInBios, new Dictionary<string, string> { ["gender"] = "extra" }));
        Assert.Contains(path, e.Message);
        Assert.Contains("'extra' (mapped to gender) holds strings, expected integers", e.Message);
    }

    [Fact]
    public void FloatLabelsAreNamedAsPythonPrintsThem()
    {
        using var dir = new TempDir();
        string jsonl = dir.File("reviews.jsonl", """
            {"text": "Broke after a day.", "category": 6, "rating": 1.0}
            {"text": "Love it.", "category": 1, "rating": 5}
            {"text": "Fine.", "category": 1, "rating": 4.5}
            """);
        var table = TextFileReader.Read(jsonl, DatasetKind.AmazonReviews);
        Assert.Equal(["1.0", "5.0", "4.5"], table.Label("rating").Values);
        Assert.Equal(["6", "1", "1"], table.Label("category").Values);
        Assert.Equal(["1.0", "4.5", "5.0"], table.Label("rating").Classes());
    }

    [Fact]
    public void JsonlErrorsNameFileLineAndKey()
    {
        using var dir = new TempDir();
        string wrong = dir.File("a.jsonl", """
            {"text": "ok", "label": 1}
            {"text": "bad", "label": "Sports"}
            """);
        var e = Assert.Throws<PipelineException>(() => TextFileReader.Read(wrong, DatasetKind.AgNews));
        Assert.Contains($"{wrong}:2:", e.Message);
        Assert.Contains("'label' is a string (\"Sports\"), expected an integer", e.Message);

        string missing = dir.File("b.jsonl", "{\"code\": \"int main() {}\"}\n");
        var m = Assert.Throws<PipelineException>(() => TextFileReader.Read(missing, DatasetKind.GithubCode));
        Assert.Contains($"{missing}:1:", m.Message);
        Assert.Contains("no 'language' key", m.Message);

        string broken = dir.File("c.jsonl", "{\"text\": \"x\", \"language\": \"en\"\n");
        Assert.Contains($"{broken}:1: not valid JSON", Assert.Throws<PipelineException>(() => TextFileReader.Read(broken, DatasetKind.Europarl)).Message);
    }

    [Fact]
    public void EmptyMissingAndUnknownFilesAreClearErrors()
    {
        using var dir = new TempDir();
        string empty = dir.File("empty.jsonl", "\n");
        Assert.Contains("has no rows", Assert.Throws<PipelineException>(() => TextFileReader.Read(empty, DatasetKind.Text)).Message);
        string absent = Path.Combine(dir.Path, "absent.parquet");
        Assert.Contains("does not exist", Assert.Throws<PipelineException>(() => TextFileReader.Read(absent, DatasetKind.Text)).Message);
        string tsv = dir.File("data.tsv", "text\nhello\n");
        Assert.Contains("use .parquet, .jsonl or .csv", Assert.Throws<PipelineException>(() => TextFileReader.Read(tsv, DatasetKind.Text)).Message);
        string notParquet = dir.File("fake.parquet", "not parquet at all");
        Assert.Contains("not a readable Parquet file", Assert.Throws<PipelineException>(() => TextFileReader.Read(notParquet, DatasetKind.Text)).Message);
    }
}

public sealed class BuiltinAndFileTablesTests
{
    [Fact]
    public void SyntheticBiosWrittenAsJsonlReadBackThroughTheFileReaderUnchanged()
    {
        using var dir = new TempDir();
        var generated = SaePipeline.Data.Builtin.BuiltinDatasets.Table(SaePipeline.Data.Builtin.BuiltinDatasets.For("bias_in_bios"), 50, seed: 1, "train");
        string path = dir.File("bios.jsonl", string.Join("\n", Enumerable.Range(0, generated.Count).Select(i =>
            System.Text.Json.JsonSerializer.Serialize(new
            {
                hard_text = generated.Texts[i],
                profession = long.Parse(generated.Label("profession").Values[i]),
                gender = long.Parse(generated.Label("gender").Values[i]),
            }))));
        var read = TextFileReader.Read(path, DatasetKind.BiasInBios);
        Assert.Equal(generated.Texts, read.Texts);
        Assert.Equal(generated.Labels.Keys, read.Labels.Keys);
        foreach (var (name, column) in generated.Labels)
        {
            Assert.Equal(column.Kind, read.Label(name).Kind);
            Assert.Equal(column.Values, read.Label(name).Values);
        }
    }
}
