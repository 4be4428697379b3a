using SaePipeline.Data;
using SaePipeline.Models.Tokenizers;
using SaePipeline.Runtime;

namespace SaePipeline.Activations.Core;

/// <summary>
/// The rows core evaluation runs on: documents of the corpus in a seeded order, tokenized and packed as SAELens packs
/// them (<see cref="TokenPacking"/>: BOS at every row start, BOS between documents, a trailing partial row dropped).
/// The documents come from the corpus's held-out split (the built-in stream never used for SAE training, or a data
/// set's test file), else its train split. SAEBench shuffles OpenWebText's shards with seed 42 (docs/saebench.md §1.2);
/// we shuffle documents through a seeded buffer, which any stream, even an endless one, supports.
/// </summary>
public static class CoreTokenStream
{
    /// <summary>The split rows are taken from, and whether it is the one SAEs train on (a caller should warn then).</summary>
    public static (string Split, bool OverlapsTraining) SplitOf(DatasetSpec dataset) =>
        DatasetSource.HasSplit(dataset, DatasetSource.Heldout) ? (DatasetSource.Heldout, false) : (DatasetSource.Train, true);

    /// <summary>The first <paramref name="rows"/> packed rows of <paramref name="context"/> tokens (fewer if the corpus runs out).</summary>
    public static IEnumerable<int[]> Rows(DatasetSpec dataset, ModelTokenizer tokenizer, int context, long rows, long seed)
    {
        int bos = tokenizer.Special.Bos
                  ?? throw new PipelineException($"the tokenizer ({tokenizer.Source}) has no BOS token, and every core row starts with one (SAELens)", dataset.Name);
        var texts = BufferedShuffle.Of(DatasetSource.Texts(dataset, SplitOf(dataset).Split), SplitMix64.For(seed, $"core/{dataset.Name}"));
        return TokenPacking.Pack(tokenizer.EncodeMany(texts), context, bos, bos).Take((int)Math.Min(rows, int.MaxValue)).Select(r => r.Tokens);
    }

    /// <summary>
    /// Packed rows as [batch_size_prompts, context] int64 batches, at most <see cref="CoreStreamSettings.Batches"/> of them
    /// (a trailing partial batch is dropped). Text generation, tokenizing and packing run a few batches ahead on a
    /// worker, overlapping the forward passes. The caller disposes each batch.
    /// </summary>
    public static IEnumerable<TorchSharp.torch.Tensor> Batches(IEnumerable<int[]> rows, CoreStreamSettings stream)
    {
        int b = stream.BatchSizePrompts, t = stream.ContextSize;
        foreach (var chunk in Prefetch.Ahead(rows, 4 * b).Take(stream.Batches * b).Chunk(b))
        {
            if (chunk.Length < b) yield break;
            if (chunk.FirstOrDefault(r => r.Length != t) is { } wrong)
                throw new ArgumentException($"a packed row has {wrong.Length} tokens, not context_size {t}");
            yield return TorchSharp.torch.tensor(chunk.SelectMany(r => r).Select(x => (long)x).ToArray(), [b, t], TorchSharp.torch.ScalarType.Int64);
        }
    }
}
