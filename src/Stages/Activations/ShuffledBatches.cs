using SaePipeline.Runtime;

namespace SaePipeline.Activations;

/// <summary>
/// An endless stream of shuffled training batches from a cache split, in bounded memory: row groups are read in a
/// seeded random order (re-drawn every epoch) into a buffer, and each batch draws random rows out of it (swap-remove),
/// so every row is used once per epoch and the buffer mixes rows from many row groups and shards. This is
/// dictionary_learning's "serve random unread rows, refill when emptied" window, read from disk instead of a model.
/// </summary>
public sealed class ShuffledBatches : IAsyncDisposable
{
    readonly ActivationCache cache;
    readonly IReadOnlyList<ShardInfo> shards;
    readonly int batchSize, d;
    readonly float[] buffer, batch;
    readonly int capacity;
    readonly SplitMix64 rng;
    readonly Dictionary<int, ShardReader> readers = [];
    readonly List<(int Shard, int Group)> order = [];
    int next, count;

    ShuffledBatches(ActivationCache cache, string split, int batchSize, int bufferRows, long seed)
    {
        this.cache = cache;
        shards = cache.Shards(split);
        this.batchSize = batchSize;
        d = cache.DIn;
        rng = SplitMix64.For(seed, "shuffled-batches");
        // Room for the requested window, one batch, and the largest row group that may arrive while nearly full.
        capacity = Math.Max(bufferRows, batchSize) + cache.Info.RowsPerRowGroup;
        if ((long)capacity * d > Array.MaxLength)
            throw new PipelineException(
                $"a shuffle buffer of {capacity:N0} rows × {d} dims exceeds one array ({Array.MaxLength:N0} floats); lower shuffle_buffer_rows or batch_size", cache.Dir);
        buffer = new float[(long)capacity * d];
        batch = new float[(long)batchSize * d];
        TotalRows = shards.Sum(s => s.Rows);
    }

    public long TotalRows { get; }
    public int Epoch { get; private set; }

    public static ShuffledBatches Open(ActivationCache cache, string split, int batchSize, int bufferRows, long seed)
    {
        var batches = new ShuffledBatches(cache, split, batchSize, bufferRows, seed);
        if (batches.TotalRows == 0) throw new PipelineException($"activation cache {cache.Dir} has no rows in its '{split}' split", cache.Dir);
        return batches;
    }

    /// <summary>The next batch, row-major [batch_size × d_in]. The array is reused by the following call.</summary>
    public async Task<float[]> NextAsync()
    {
        await FillAsync();
        for (int i = 0; i < batchSize; i++)
        {
            int j = rng.NextInt(count);
            Array.Copy(buffer, (long)j * d, batch, (long)i * d, d);
            count--;
            if (j != count) Array.Copy(buffer, (long)count * d, buffer, (long)j * d, d);
        }
        return batch;
    }

    /// <summary>Reads row groups until the next one would not fit; capacity leaves room for at least one batch.</summary>
    async Task FillAsync()
    {
        while (true)
        {
            if (next == order.Count) NewEpoch();
            var (shard, group) = order[next];
            var reader = await ReaderAsync(shard);
            if (count + reader.RowsIn(group) > capacity) break;
            count += await reader.ReadActsAsync(group, buffer.AsMemory(count * d));
            next++;
        }
    }

    void NewEpoch()
    {
        if (order.Count > 0) Epoch++;
        order.Clear();
        for (int s = 0; s < shards.Count; s++)
            for (int g = 0; g < shards[s].RowGroups; g++) order.Add((s, g));
        rng.Shuffle(order);
        next = 0;
    }

    async Task<ShardReader> ReaderAsync(int shard)
    {
        if (!readers.TryGetValue(shard, out var reader))
            readers[shard] = reader = await ShardReader.OpenAsync(cache.PathOf(shards[shard]), d);
        return reader;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var r in readers.Values) await r.DisposeAsync();
    }
}
