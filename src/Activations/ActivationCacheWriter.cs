namespace SaePipeline.Activations;

/// <summary>
/// Writes one split of a cache as <c>&lt;prefix&gt;-00000.parquet</c>, <c>-00001</c>, …: each call adds a row group,
/// and a new shard starts once the current one holds rows_per_shard rows, so no file grows without bound.
/// </summary>
public sealed class ActivationCacheWriter(string dir, string prefix, ActivationSchema schema, int rowsPerShard,
                                          IReadOnlyDictionary<string, string> metadata) : IAsyncDisposable
{
    readonly List<ShardInfo> finished = [];
    ShardWriter? current;
    string currentFile = "";
    int currentGroups;

    public IReadOnlyList<ShardInfo> Shards => finished;

    public async Task WriteAsync(ActivationRows rows)
    {
        if (current is not null && current.Rows >= rowsPerShard) await CloseCurrentAsync();
        if (current is null)
        {
            currentFile = $"{prefix}-{finished.Count:D5}.parquet";
            current = await ShardWriter.CreateAsync(Path.Combine(dir, currentFile), schema, metadata);
            currentGroups = 0;
        }
        await current.WriteAsync(rows);
        currentGroups++;
    }

    async Task CloseCurrentAsync()
    {
        if (current is null) return;
        long rows = current.Rows;
        await current.DisposeAsync();
        finished.Add(new ShardInfo(currentFile, rows, currentGroups));
        current = null;
    }

    /// <summary>Closes the last shard; <see cref="Shards"/> is complete afterwards.</summary>
    public async ValueTask DisposeAsync() => await CloseCurrentAsync();
}
