using SaePipeline.Data;
using SaePipeline.Models.Tokenizers;
using SaePipeline.Runtime;

namespace SaePipeline.Evals.Core;

/// <summary>
/// The rows core evaluation runs on: documents of the corpus in a seeded order, tokenized and packed as SAELens packs
/// them (<see cref="TokenPacking"/>: BOS at every row start, BOS between documents, a trailing partial row dropped).
/// The documents come from the corpus's held-out split (the built-in stream never used for SAE training, or a data
/// set's test file), else its train split. SAEBench shuffles OpenWebText's shards with seed 42 (saebench-spec §1.2);
/// we shuffle documents through a seeded buffer, which any stream, even an endless one, supports.
/// </summary>
public static class CoreTokenStream
{
    /// <summary>Documents held at once by the shuffle buffer.</summary>
    public const int ShuffleBuffer = 1024;

    /// <summary>The split rows are taken from, and whether it is the one SAEs train on (a caller should warn then).</summary>
    public static (string Split, bool OverlapsTraining) SplitOf(DatasetSpec dataset) =>
        DatasetSource.HasSplit(dataset, DatasetSource.Heldout) ? (DatasetSource.Heldout, false) : (DatasetSource.Train, true);

    /// <summary>The first <paramref name="rows"/> packed rows of <paramref name="context"/> tokens (fewer if the corpus runs out).</summary>
    public static IEnumerable<int[]> Rows(DatasetSpec dataset, ModelTokenizer tokenizer, int context, long rows, long seed)
    {
        int bos = tokenizer.Special.Bos
                  ?? throw new PipelineException($"the tokenizer ({tokenizer.Source}) has no BOS token, and every core row starts with one (SAELens)", dataset.Name);
        var texts = Shuffled(DatasetSource.Texts(dataset, SplitOf(dataset).Split), SplitMix64.For(seed, $"core/{dataset.Name}"));
        return TokenPacking.Pack(tokenizer.EncodeMany(texts), context, bos, bos).Take((int)Math.Min(rows, int.MaxValue)).Select(r => r.Tokens);
    }

    /// <summary>A buffered shuffle: hold <see cref="ShuffleBuffer"/> documents, emit a random one and refill its slot.</summary>
    public static IEnumerable<T> Shuffled<T>(IEnumerable<T> items, SplitMix64 random)
    {
        var buffer = new List<T>(ShuffleBuffer);
        foreach (var item in items)
        {
            if (buffer.Count < ShuffleBuffer)
            {
                buffer.Add(item);
                continue;
            }
            int j = random.NextInt(ShuffleBuffer);
            yield return buffer[j];
            buffer[j] = item;
        }
        random.Shuffle(buffer);
        foreach (var item in buffer) yield return item;
    }
}
