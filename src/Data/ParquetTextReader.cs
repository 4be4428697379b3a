using Parquet;
using Parquet.Schema;
using SaePipeline.Runtime;

namespace SaePipeline.Data;

/// <summary>
/// A text data set from a Parquet file, as Hugging Face datasets and pandas write them: a string column for the text
/// and scalar columns for the labels (any integer width for int labels, float or double — or integers — for float
/// labels, strings for string labels; nullable columns are accepted as long as no value is null).
/// </summary>
static class ParquetTextReader
{
    public static TextTable Read(string path, ColumnMapping mapping) => ReadAsync(path, mapping).GetAwaiter().GetResult();

    static async Task<TextTable> ReadAsync(string path, ColumnMapping mapping)
    {
        ParquetReader reader;
        await using var stream = File.OpenRead(path);
        try
        {
            reader = await ParquetReader.CreateAsync(stream);
        }
        catch (Exception e) when (e is not PipelineException)
        {
            throw new PipelineException($"{path} is not a readable Parquet file: {e.Message}", path, e);
        }
        await using (reader)
        {
            var fields = reader.Schema.GetDataFields();
            DataField Field(string column, string ours)
            {
                var field = fields.FirstOrDefault(f => f.Path.ToString() == column)
                    ?? throw new PipelineException(
                        $"{path} has no column {ColumnMapping.Describe(column, ours)}; its columns are: {string.Join(", ", fields.Select(f => f.Path.ToString()))}. " +
                        $"Map another column in pipeline.yaml with columns: {{{ours}: <column>}}", path);
                if (field.MaxRepetitionLevel > 0)
                    throw new PipelineException($"{path}: column {ColumnMapping.Describe(column, ours)} is a list; a {ours} column must hold one value per row", path);
                return field;
            }
            var textField = Field(mapping.TextColumn, "text");
            if (!IsString(textField.ClrType))
                throw new PipelineException($"{path}: column {ColumnMapping.Describe(mapping.TextColumn, "text")} holds {TypeName(textField.ClrType)}, expected strings", path);
            var labelFields = mapping.Labels.Select(l => (l.Label, l.Column, Field: Field(l.Column, l.Label.Name))).ToList();
            foreach (var (label, column, field) in labelFields)
                if (!Accepts(label.Kind, field.ClrType))
                    throw new PipelineException(
                        $"{path}: column {ColumnMapping.Describe(column, label.Name)} holds {TypeName(field.ClrType)}, expected {Expected(label.Kind)}", path);

            var texts = new List<string>();
            var labels = labelFields.Select(_ => new List<string>()).ToList();
            long rowOffset = 0;
            for (int g = 0; g < reader.RowGroupCount; g++)
            {
                using var group = reader.OpenRowGroupReader(g);
                int rows = checked((int)group.RowCount);
                var text = new string?[rows];
                await group.ReadAsync(textField, text.AsMemory());
                for (int r = 0; r < rows; r++)
                    if (text[r] is null) throw NullValue(path, mapping.TextColumn, "text", rowOffset + r);
                texts.AddRange(text!);
                for (int i = 0; i < labelFields.Count; i++)
                {
                    var (label, column, field) = labelFields[i];
                    var values = await ReadValues(group, field, rows, label.Kind);
                    for (int r = 0; r < rows; r++)
                        if (values[r] is null) throw NullValue(path, column, label.Name, rowOffset + r);
                    labels[i].AddRange(values!);
                }
                rowOffset += rows;
            }
            return new TextTable
            {
                Source = path,
                Texts = texts,
                Labels = labelFields.Select((l, i) => new LabelColumn(l.Label.Name, l.Label.Kind, labels[i]))
                                    .ToDictionary(c => c.Name),
            };
        }
    }

    static readonly Type[] IntegerTypes = [typeof(long), typeof(int), typeof(short), typeof(sbyte), typeof(byte), typeof(ushort), typeof(uint), typeof(ulong)];

    static bool Accepts(LabelKind kind, Type type) => kind switch
    {
        LabelKind.Int => IntegerTypes.Contains(type),
        LabelKind.Float => IntegerTypes.Contains(type) || type == typeof(double) || type == typeof(float),
        _ => IsString(type),
    };

    /// <summary>Parquet.Net 6 reports string columns read from a file as ReadOnlyMemory&lt;char&gt;.</summary>
    static bool IsString(Type type) => type == typeof(string) || type == typeof(ReadOnlyMemory<char>);

    /// <summary>One label column of a row group as class names (null where the file has a null).</summary>
    static async Task<string?[]> ReadValues(ParquetRowGroupReader group, DataField field, int rows, LabelKind kind)
    {
        var type = field.ClrType;
        if (IsString(type))
        {
            var s = new string?[rows];
            await group.ReadAsync(field, s.AsMemory());
            return s;
        }
        if (type == typeof(double)) return (await Numbers<double>(group, field, rows)).Select(v => v is { } d ? LabelValues.FromFloat(d) : null).ToArray();
        if (type == typeof(float)) return (await Numbers<float>(group, field, rows)).Select(v => v is { } f ? LabelValues.FromFloat(f) : null).ToArray();
        Func<long, string> name = kind == LabelKind.Float ? v => LabelValues.FromFloat(v) : LabelValues.FromInteger;
        if (type == typeof(long)) return (await Numbers<long>(group, field, rows)).Select(v => v is { } x ? name(x) : null).ToArray();
        if (type == typeof(int)) return (await Numbers<int>(group, field, rows)).Select(v => v is { } x ? name(x) : null).ToArray();
        if (type == typeof(short)) return (await Numbers<short>(group, field, rows)).Select(v => v is { } x ? name(x) : null).ToArray();
        if (type == typeof(sbyte)) return (await Numbers<sbyte>(group, field, rows)).Select(v => v is { } x ? name(x) : null).ToArray();
        if (type == typeof(byte)) return (await Numbers<byte>(group, field, rows)).Select(v => v is { } x ? name(x) : null).ToArray();
        if (type == typeof(ushort)) return (await Numbers<ushort>(group, field, rows)).Select(v => v is { } x ? name(x) : null).ToArray();
        if (type == typeof(uint)) return (await Numbers<uint>(group, field, rows)).Select(v => v is { } x ? name(x) : null).ToArray();
        return (await Numbers<ulong>(group, field, rows)).Select(v => v is { } x ? name(checked((long)x)) : null).ToArray();
    }

    static async Task<T?[]> Numbers<T>(ParquetRowGroupReader group, DataField field, int rows) where T : struct
    {
        var values = new T?[rows];
        if (field.IsNullable)
        {
            await group.ReadAsync(field, values.AsMemory());
            return values;
        }
        var plain = new T[rows];
        await group.ReadAsync(field, plain.AsMemory());
        for (int r = 0; r < rows; r++) values[r] = plain[r];
        return values;
    }

    static PipelineException NullValue(string path, string column, string ours, long row) =>
        new($"{path}: column {ColumnMapping.Describe(column, ours)} is null at row {row}; every row needs a {ours}", path);

    static string Expected(LabelKind kind) => kind switch
    {
        LabelKind.Int => "integers",
        LabelKind.Float => "numbers",
        _ => "strings",
    };

    static string TypeName(Type t) => IsString(t) ? "strings" : t == typeof(byte[]) || t == typeof(ReadOnlyMemory<byte>) ? "bytes" : $"{t.Name} values";
}
