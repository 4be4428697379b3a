using System.Globalization;
using SaePipeline.Runtime;

namespace SaePipeline.Data;

/// <summary>
/// A text data set from a CSV file with a header row (<see cref="CsvRecords"/>), the format sae-probes ships its
/// binary data sets in and pandas' <c>to_csv</c> writes. Values are read as pandas would type them: int labels must be
/// integers ("3"), float labels any number ("5", "5.0", "1e3"), string labels are taken as written. An empty field is
/// what pandas reads as missing (NaN), so it is an error naming the line and column, as a null is in the other formats.
/// </summary>
static class CsvTextReader
{
    public static TextTable Read(string path, ColumnMapping mapping)
    {
        using var records = CsvRecords.Read(path).GetEnumerator();
        if (!records.MoveNext()) throw new PipelineException($"{path} is empty: a CSV data set needs a header row naming its columns", path);
        var header = records.Current.Fields;
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < header.Count; i++)
            if (!index.TryAdd(header[i], i))
                throw new PipelineException($"{path}:{records.Current.Line}: the header names column '{header[i]}' twice", path);
        int Column(string column, string ours) => index.TryGetValue(column, out int i) ? i
            : throw new PipelineException($"{path}: no column {ColumnMapping.Describe(column, ours)}; the header has: {string.Join(", ", header)}", path);
        int textIndex = Column(mapping.TextColumn, "text");
        var labelIndices = mapping.Labels.Select(l => Column(l.Column, l.Label.Name)).ToList();

        var texts = new List<string>();
        var labels = mapping.Labels.Select(_ => new List<string>()).ToList();
        while (records.MoveNext())
        {
            var (line, fields) = (records.Current.Line, records.Current.Fields);
            if (fields.Count != header.Count)
                throw new PipelineException($"{path}:{line}: {fields.Count} fields, but the header has {header.Count} columns", path);
            string Value(int i, string column, string ours) => fields[i].Length > 0 ? fields[i]
                : throw new PipelineException($"{path}:{line}: {ColumnMapping.Describe(column, ours)} is empty (pandas reads it as missing)", path);
            texts.Add(Value(textIndex, mapping.TextColumn, "text"));
            for (int j = 0; j < mapping.Labels.Count; j++)
            {
                var (label, column) = mapping.Labels[j];
                string v = Value(labelIndices[j], column, label.Name);
                labels[j].Add(label.Kind switch
                {
                    LabelKind.Int when long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long x) => LabelValues.FromInteger(x),
                    LabelKind.Float when double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) => LabelValues.FromFloat(x),
                    LabelKind.String => v,
                    LabelKind.Int => throw WrongType(path, line, column, label.Name, "an integer", v),
                    _ => throw WrongType(path, line, column, label.Name, "a number", v),
                });
            }
        }
        return mapping.Table(path, texts, labels);
    }

    static PipelineException WrongType(string path, int line, string column, string ours, string expected, string got) =>
        new($"{path}:{line}: {ColumnMapping.Describe(column, ours)} is \"{(got.Length <= 40 ? got : got[..37] + "...")}\", expected {expected}", path);
}
