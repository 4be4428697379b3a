namespace SaePipeline.Data.Builtin;

/// <summary>
/// One generated document: its text and its labels as SAEBench class names ("3", "1.0", "Python"), in the order of
/// the generator's <see cref="DatasetKind.Labels"/>.
/// </summary>
public sealed record GeneratedRow(string Text, IReadOnlyList<string> Labels);

/// <summary>
/// A seeded source of documents shaped like one of SAEBench's data sets. Document <c>index</c> of
/// (generator, seed, split) is a pure function of those four values, so rows can be produced in any order, in
/// parallel, or one at a time, and always come out the same.
/// </summary>
public interface ITextGenerator
{
    DatasetKind Kind { get; }

    /// <summary>The registry name ("bias_in_bios", "mixed", …); part of every document's random stream.</summary>
    string Name { get; }

    /// <param name="split">"train", "test", "heldout", …: each split is its own stream of documents.</param>
    GeneratedRow Generate(long index, long seed, string split);
}
