using SaePipeline.Runtime;

namespace SaePipeline.Activations;

/// <summary>
/// A row group of a labelled cache split: each token's activation, the index of its text in the caller's row list,
/// and whether it is a real token. SAEBench zeroes the activations at BOS, EOS and PAD positions and from then on
/// treats "Σ_d x ≠ 0" as the mask (docs/saebench.md §2.5); here the mask is the token id itself, which is the same set
/// of positions except for the measure-zero case of a real token whose activation sums to exactly 0.
/// </summary>
public sealed class TokenChunk(int capacity, float[] acts)
{
    public int Count { get; set; }
    public int[] Row { get; } = new int[capacity];

    /// <summary>1 for a real token, 0 for BOS/EOS/PAD.</summary>
    public float[] Valid { get; } = new float[capacity];

    /// <summary>Row-major [Count, d_in].</summary>
    public float[] Acts { get; } = acts;
}

/// <summary>Streams the tokens of a labelled cache split, row group by row group, tagged with their text's index.</summary>
public static class LabelledTokens
{
    /// <summary>
    /// Calls <paramref name="visit"/> for every row group of <paramref name="split"/>, on the calling thread (TorchSharp's
    /// grad mode is per thread). <paramref name="rows"/> lists the split's row numbers (the <c>doc</c> column) the caller
    /// indexes by; every cached token must belong to one of them and every one of them must have tokens.
    /// </summary>
    public static void ForEachChunk(ActivationCache cache, string split, IReadOnlyList<int> rows, Action<TokenChunk> visit)
    {
        var special = cache.Info.SpecialTokens
                      ?? throw new PipelineException($"{cache.Dir}: the manifest records no special tokens; is this a model cache?", cache.Dir);
        var index = new Dictionary<long, int>(rows.Count);
        for (int i = 0; i < rows.Count; i++) index[rows[i]] = i;
        var seen = new bool[rows.Count];
        var block = new ActivationRows(cache.Info.RowsPerRowGroup, cache.DIn, 0);
        var chunk = new TokenChunk(cache.Info.RowsPerRowGroup, block.Acts);
        foreach (var shard in cache.Shards(split))
        {
            string path = cache.PathOf(shard);
            var reader = ShardReader.OpenAsync(path, cache.DIn).GetAwaiter().GetResult();
            try
            {
                for (int group = 0; group < reader.RowGroupCount; group++)
                {
                    reader.ReadRowsAsync(group, block).GetAwaiter().GetResult();
                    for (int t = 0; t < block.Count; t++)
                    {
                        if (!index.TryGetValue(block.Doc[t], out int row))
                            throw new PipelineException($"{path}: text {block.Doc[t]} is not in the cache's probe sets; the cache is inconsistent, delete {cache.Dir} and rerun", path);
                        chunk.Row[t] = row;
                        seen[row] = true;
                        int token = block.Token[t];
                        chunk.Valid[t] = token == special.Bos || token == special.Eos || token == special.Pad ? 0 : 1;
                    }
                    chunk.Count = block.Count;
                    visit(chunk);
                }
            }
            finally
            {
                reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }
        int missing = Array.IndexOf(seen, false);
        if (missing >= 0)
            throw new PipelineException($"{cache.Dir}: text {rows[missing]} of the {split} split has no cached tokens; delete the folder and rerun", cache.Dir);
    }
}
