namespace SaePipeline.Data;

/// <summary>How a label column's values are typed in the source file; SAEBench names classes by <c>str(value)</c>.</summary>
public enum LabelKind { Int, Float, String }

/// <summary>
/// One label column, its values held as SAEBench's class names: an int as "3", a float as Python prints it ("1.0",
/// "5.0"), a string as itself. Keeping the names (not codes) is what lets SAEBench's class lists ("0", "1.0",
/// "Python") select rows from files and from the built-in generators alike.
/// </summary>
public sealed record LabelColumn(string Name, LabelKind Kind, IReadOnlyList<string> Values)
{
    /// <summary>The distinct class names, ints and floats in numeric order, strings in ordinal order.</summary>
    public IReadOnlyList<string> Classes() => Kind switch
    {
        LabelKind.String => Values.Distinct().Order(StringComparer.Ordinal).ToList(),
        _ => Values.Distinct().OrderBy(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToList(),
    };
}

/// <summary>
/// A text data set in memory, column-wise: one text per row and its label columns, in file order. Every reader
/// (Parquet, JSONL, CSV) and every built-in generator produces this one type, so later stages cannot tell them apart.
/// </summary>
public sealed record TextTable
{
    /// <summary>Where the rows came from: a file path, or "builtin:&lt;generator&gt; seed N".</summary>
    public required string Source { get; init; }

    public required IReadOnlyList<string> Texts { get; init; }

    /// <summary>Label columns by our name (e.g. "profession", "gender"), each with one value per text.</summary>
    public required IReadOnlyDictionary<string, LabelColumn> Labels { get; init; }

    public int Count => Texts.Count;

    public LabelColumn Label(string name) =>
        Labels.TryGetValue(name, out var column) ? column
            : throw new Runtime.PipelineException($"{Source} has no label column '{name}' (it has: {string.Join(", ", Labels.Keys)})", Source);
}
