using System.Text.Json;
using SaePipeline.Runtime;

namespace SaePipeline.Data;

/// <summary>
/// A text data set from JSON Lines: one object per line, with the text and label columns as keys. Int labels must be
/// integral JSON numbers, float labels any JSON number, string labels JSON strings. Blank lines are skipped.
/// </summary>
static class JsonlTextReader
{
    public static TextTable Read(string path, ColumnMapping mapping)
    {
        var texts = new List<string>();
        var labels = mapping.Labels.Select(_ => new List<string>()).ToList();
        int lineNumber = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(line);
            }
            catch (JsonException e)
            {
                throw new PipelineException($"{path}:{lineNumber}: not valid JSON ({e.Message})", path);
            }
            using (document)
            {
                var row = document.RootElement;
                if (row.ValueKind != JsonValueKind.Object)
                    throw new PipelineException($"{path}:{lineNumber}: expected a JSON object per line, got {Kind(row)}", path);
                JsonElement Value(string column, string ours) =>
                    row.TryGetProperty(column, out var v) && v.ValueKind != JsonValueKind.Null ? v
                        : throw new PipelineException(
                            $"{path}:{lineNumber}: no {ColumnMapping.Describe(column, ours)} key{(row.TryGetProperty(column, out _) ? " value (null)" : "")}; " +
                            $"the keys are: {string.Join(", ", row.EnumerateObject().Select(p => p.Name))}", path);

                var text = Value(mapping.TextColumn, "text");
                if (text.ValueKind != JsonValueKind.String)
                    throw WrongType(path, lineNumber, mapping.TextColumn, "text", "a string", text);
                texts.Add(text.GetString()!);
                for (int i = 0; i < mapping.Labels.Count; i++)
                {
                    var (label, column) = mapping.Labels[i];
                    var v = Value(column, label.Name);
                    labels[i].Add(label.Kind switch
                    {
                        LabelKind.Int when v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long x) => LabelValues.FromInteger(x),
                        LabelKind.Float when v.ValueKind == JsonValueKind.Number => LabelValues.FromFloat(v.GetDouble()),
                        LabelKind.String when v.ValueKind == JsonValueKind.String => v.GetString()!,
                        LabelKind.Int => throw WrongType(path, lineNumber, column, label.Name, "an integer", v),
                        LabelKind.Float => throw WrongType(path, lineNumber, column, label.Name, "a number", v),
                        _ => throw WrongType(path, lineNumber, column, label.Name, "a string", v),
                    });
                }
            }
        }
        return mapping.Table(path, texts, labels);
    }

    static PipelineException WrongType(string path, int line, string column, string ours, string expected, JsonElement got) =>
        new($"{path}:{line}: {ColumnMapping.Describe(column, ours)} is {Kind(got)} ({Shorten(got.GetRawText())}), expected {expected}", path);

    static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Number => "a number",
        JsonValueKind.String => "a string",
        JsonValueKind.Array => "a list",
        JsonValueKind.Object => "an object",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    static string Shorten(string raw) => raw.Length <= 40 ? raw : raw[..37] + "...";
}
