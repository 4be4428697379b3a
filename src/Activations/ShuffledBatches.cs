using SaePipeline.Runtime;

namespace SaePipeline.Activations;

/// <summary>
/// Where a <see cref="ShuffledBatches"/> stands between two batches: enough to continue the same stream of batches in
/// another process. Buffered rows are saved by where they came from (shard, row group, row), not by value, so the
/// state stays a few bytes per row however wide the activations are.
/// </summary>
public sealed record ShuffleState(ulong Rng, int Epoch, int[] OrderShards, int[] OrderGroups, int Next, long[] Slots);

/// <summary>
/// An endless stream of shuffled training batches from a cache split, in bounded memory: row groups are read in a
/// seeded random order (re-drawn every epoch) into a buffer, and each batch draws random rows out of it (swap-remove),
/// so every row is used once per epoch and the buffer mixes rows from many row groups and shards. This is
/// dictionary_learning's "serve random unread rows, refill when emptied" window, read from disk instead of a model.
/// <see cref="Capture"/> and <see cref="RestoreAsync"/> let a resumed training run continue the very same stream.
/// </summary>
public sealed class ShuffledBatches : IAsyncDisposable
{
    readonly ActivationCache cache;
    readonly IReadOnlyList<ShardInfo> shards;
    readonly int batchSize, d;
    readonly float[] buffer, batch;
    readonly long[] slots;   // per buffered row, its origin: (shard << 44) | (group << 22) | row
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
        slots = new long[capacity];
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
            if (j != count)
            {
                Array.Copy(buffer, (long)count * d, buffer, (long)j * d, d);
                slots[j] = slots[count];
            }
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
            int read = await reader.ReadActsAsync(group, buffer.AsMemory(count * d));
            for (int r = 0; r < read; r++) slots[count + r] = Origin(shard, group, r);
            count += read;
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

    /// <summary>The stream's position, taken between batches (not while a <see cref="NextAsync"/> runs).</summary>
    public ShuffleState Capture() => new(
        rng.State, Epoch, order.Select(o => o.Shard).ToArray(), order.Select(o => o.Group).ToArray(), next, slots[..count]);

    /// <summary>
    /// Continues from a captured position: the same epoch order, the same buffered rows in the same slots (re-read
    /// from their row groups) and the same generator state, so the next batch is the one the captured stream would
    /// have given.
    /// </summary>
    public async Task RestoreAsync(ShuffleState state)
    {
        if (state.Slots.Length > capacity || state.OrderShards.Length != state.OrderGroups.Length)
            throw new PipelineException($"a training checkpoint's shuffle state does not fit this reader (buffer {state.Slots.Length} > {capacity} rows)", cache.Dir);
        rng.State = state.Rng;
        Epoch = state.Epoch;
        order.Clear();
        for (int i = 0; i < state.OrderShards.Length; i++) order.Add((state.OrderShards[i], state.OrderGroups[i]));
        next = state.Next;
        count = state.Slots.Length;
        Array.Copy(state.Slots, slots, count);
        var group = new float[(long)cache.Info.RowsPerRowGroup * d];
        foreach (var byGroup in Enumerable.Range(0, count).GroupBy(i => slots[i] >> 22))
        {
            int shard = (int)(byGroup.Key >> 22), g = (int)(byGroup.Key & ((1 << 22) - 1));
            if (shard >= shards.Count) throw new PipelineException($"a training checkpoint refers to shard {shard}, but the cache has {shards.Count}", cache.Dir);
            var reader = await ReaderAsync(shard);
            int read = await reader.ReadActsAsync(g, group);
            foreach (int slot in byGroup)
            {
                int row = (int)(slots[slot] & ((1 << 22) - 1));
                if (row >= read) throw new PipelineException($"a training checkpoint refers to row {row} of row group {g} in {shards[shard].File}, which has {read}", cache.Dir);
                Array.Copy(group, (long)row * d, buffer, (long)slot * d, d);
            }
        }
    }

    long Origin(int shard, int group, int row)
    {
        if (shard >= 1 << 19 || group >= 1 << 22 || row >= 1 << 22)
            throw new PipelineException($"cache too large to index its rows for checkpoints (shard {shard}, row group {group}, row {row})", cache.Dir);
        return ((long)shard << 44) | ((long)group << 22) | (long)row;
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
