using SaePipeline.Data.Builtin;
using SaePipeline.Runtime;

namespace SaePipeline.Data;

/// <summary>Opens a <see cref="DatasetSpec"/>: the same tables and document streams whether it is files or built in.</summary>
public static class DatasetSource
{
    /// <summary>Split names. A built-in corpus's held-out split is "heldout"; a file corpus's is its test file.</summary>
    public const string Train = "train", Test = "test", Heldout = "heldout";

    /// <summary>The split as a table: the first N rows of its file, or N generated rows.</summary>
    public static TextTable Table(DatasetSpec spec, string split)
    {
        int? rows = split == Train ? spec.TrainRows : spec.TestRows;
        if (spec.Generator is { } name)
            return BuiltinDatasets.Table(Generator(spec, name), rows ?? throw new PipelineException($"data set {spec.Name}: no row count for the built-in {split} split", spec.Name), spec.Seed, split);
        string file = File(spec, split);
        var table = TextFileReader.Read(file, spec.KindInfo, spec.Columns);
        return rows is int n && n < table.Count ? Head(table, n) : table;
    }

    /// <summary>
    /// The texts of a split as a stream: endless for a built-in corpus (documents 0, 1, 2, … of the split), the rows of
    /// the file otherwise. The built-in corpus's held-out split is its own stream, never overlapping training.
    /// </summary>
    public static IEnumerable<string> Texts(DatasetSpec spec, string split)
    {
        if (spec.Generator is { } name) return Endless(Generator(spec, name), spec.Seed, split);
        return Table(spec, split == Heldout ? Test : split).Texts;
    }

    static IEnumerable<string> Endless(ITextGenerator generator, long seed, string split)
    {
        for (long i = 0; ; i++) yield return generator.Generate(i, seed, split).Text;
    }

    public static bool HasSplit(DatasetSpec spec, string split) =>
        spec.Generator is not null || (split == Train ? spec.TrainFile : spec.TestFile) is not null;


    static string File(DatasetSpec spec, string split) =>
        (split == Train ? spec.TrainFile : spec.TestFile)
        ?? throw new PipelineException($"data set {spec.Name} has no {split} file (add {split}: <file> under datasets.{spec.Name} in pipeline.yaml)", spec.Name);

    static ITextGenerator Generator(DatasetSpec spec, string name) =>
        BuiltinDatasets.For(name, new BiosSettings { GenderProfessionCorrelation = spec.GenderProfessionCorrelation });

    static TextTable Head(TextTable table, int n) => table with
    {
        Texts = table.Texts.Take(n).ToList(),
        Labels = table.Labels.ToDictionary(kv => kv.Key, kv => kv.Value with { Values = kv.Value.Values.Take(n).ToList() }),
    };
}
