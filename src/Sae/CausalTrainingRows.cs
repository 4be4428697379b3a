using SaePipeline.Data;
using SaePipeline.Models.Tokenizers;
using SaePipeline.Runtime;

namespace SaePipeline.Sae;

/// <summary>
/// The token rows the causal objective intervenes on: documents of the training corpus's train split in a seeded
/// order, tokenized and packed as the activation cache packs them (BOS at every row start and between documents).
/// Row n depends only on the seed and n, so a resumed run reads the same rows; when the corpus runs out a new pass
/// starts in a new order.
/// </summary>
public sealed class CausalTrainingRows(DatasetSpec dataset, ModelTokenizer tokenizer, int context, long seed)
{
    readonly int bos = tokenizer.Special.Bos
                       ?? throw new PipelineException($"the tokenizer ({tokenizer.Source}) has no BOS token, and every packed row starts with one", dataset.Name);
    IEnumerator<int[]>? rows;
    long next;   // index of the row `rows` yields next
    int epoch;

    /// <summary>Positions the reader so that row <paramref name="first"/> comes next (a resumed run does this before its loop).</summary>
    public void Seek(long first)
    {
        if (rows is null || first < next) Restart(0);
        while (next < first) Advance();
    }

    /// <summary>Rows [first, first + count) as a [count, context] int64 tensor.</summary>
    public TorchSharp.torch.Tensor Take(long first, int count)
    {
        Seek(first);
        var taken = new long[count * context];
        for (int r = 0; r < count; r++)
        {
            var row = Advance();
            for (int t = 0; t < context; t++) taken[r * context + t] = row[t];
        }
        return TorchSharp.torch.tensor(taken, [count, context], TorchSharp.torch.ScalarType.Int64);
    }

    int[] Advance()
    {
        for (int attempt = 0; attempt < 2; attempt++)
        {
            if (rows!.MoveNext())
            {
                next++;
                return rows.Current;
            }
            long position = next;
            Restart(epoch + 1);
            next = position;
        }
        throw new PipelineException($"the {DatasetSource.Train} split of '{dataset.Name}' holds no complete row of {context} tokens", dataset.Name);
    }

    void Restart(int pass)
    {
        rows?.Dispose();
        epoch = pass;
        next = 0;
        var texts = BufferedShuffle.Of(DatasetSource.Texts(dataset, DatasetSource.Train), SplitMix64.For(seed, $"causal_objective/rows/{pass}"));
        rows = TokenPacking.Pack(tokenizer.EncodeMany(texts), context, bos, bos).Select(r => r.Tokens).GetEnumerator();
    }
}
