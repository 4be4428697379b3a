using SaePipeline.Data;

namespace SaePipeline.Config;

/// <summary>How a data set name used in pipeline.yaml resolves to a kind: its entry under <c>datasets:</c>, else a built-in data set.</summary>
public static class DatasetNames
{
    /// <summary>The built-in corpus: a mixture of every generator plus general prose.</summary>
    public const string MixedCorpus = "mixed";

    public static IEnumerable<string> Builtin => DatasetKind.All.Where(k => k != DatasetKind.Text).Select(k => k.Name).Prepend(MixedCorpus);

    /// <summary>The kind of a data set, or null (with the reason) when it cannot be told.</summary>
    public static (string? Kind, string? Problem) KindOf(PipelineConfig c, string name)
    {
        var entry = c.Datasets.GetValueOrDefault(name);
        if (entry?.Kind is { } kind) return (kind, null);
        if (name == MixedCorpus) return (DatasetKind.Text.Name, null);
        if (DatasetKind.Find(name) is { } k && k != DatasetKind.Text) return (k.Name, null);
        return (null, entry is null
            ? $"'{name}' is neither listed under datasets: nor a built-in data set ({string.Join(", ", Builtin)})"
            : $"datasets.{name} needs kind: one of {string.Join(", ", DatasetKind.All.Select(x => x.Name))}");
    }
}
