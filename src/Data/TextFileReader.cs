using SaePipeline.Runtime;

namespace SaePipeline.Data;

/// <summary>
/// Reads a local data set file into a <see cref="TextTable"/>: Parquet (<c>.parquet</c>), JSON Lines
/// (<c>.jsonl</c>, <c>.json</c> with one object per line) or CSV with a header row (<c>.csv</c>).
/// <paramref name="columns"/> maps our names ("text" and the kind's label names) to the file's column names where they
/// differ from SAEBench's defaults.
/// Every problem (missing file or column, wrong type, null, no rows) names the file, and the column or line.
/// </summary>
public static class TextFileReader
{
    public static TextTable Read(string path, DatasetKind kind, IReadOnlyDictionary<string, string>? columns = null)
    {
        if (!File.Exists(path)) throw new PipelineException($"data set file {path} does not exist", path);
        var mapping = ColumnMapping.For(kind, columns, path);
        string extension = Path.GetExtension(path).ToLowerInvariant();
        var table = extension switch
        {
            ".parquet" => ParquetTextReader.Read(path, mapping),
            ".jsonl" or ".json" or ".ndjson" => JsonlTextReader.Read(path, mapping),
            ".csv" => CsvTextReader.Read(path, mapping),
            _ => throw new PipelineException($"{path}: unknown data set format '{extension}'; use .parquet, .jsonl or .csv", path),
        };
        if (table.Count == 0) throw new PipelineException($"{path} has no rows", path);
        return table;
    }
}

/// <summary>The file column behind the text and each label, after applying a user's mapping to a kind's defaults.</summary>
public sealed record ColumnMapping(string TextColumn, IReadOnlyList<(LabelSpec Label, string Column)> Labels)
{
    public static ColumnMapping For(DatasetKind kind, IReadOnlyDictionary<string, string>? columns, string source)
    {
        columns ??= new Dictionary<string, string>();
        var known = kind.Labels.Select(l => l.Name).Prepend("text").ToHashSet();
        if (columns.Keys.FirstOrDefault(k => !known.Contains(k)) is { } unknown)
            throw new PipelineException(
                $"{source}: column mapping names '{unknown}', which a {kind.Name} data set does not have (it has: {string.Join(", ", known)})", source);
        return new ColumnMapping(
            columns.GetValueOrDefault("text", kind.DefaultTextColumn),
            kind.Labels.Select(l => (l, columns.GetValueOrDefault(l.Name, l.DefaultColumn))).ToList());
    }

    /// <summary>The table of rows read through this mapping: their texts, and each label's values in the mapping's order.</summary>
    public TextTable Table(string source, IReadOnlyList<string> texts, IReadOnlyList<IReadOnlyList<string>> labels) => new()
    {
        Source = source,
        Texts = texts,
        Labels = Labels.Select((l, i) => new LabelColumn(l.Label.Name, l.Label.Kind, labels[i])).ToDictionary(c => c.Name),
    };

    /// <summary>How a column of ours is addressed in messages: "'hard_text' (text)" or "'job' (mapped to profession)".</summary>
    public static string Describe(string column, string ours) => column == ours ? $"'{column}'" : $"'{column}' (mapped to {ours})";
}
