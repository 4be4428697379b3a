namespace SaePipeline.Activations;

/// <summary>
/// Collects token rows (doc, pos, token, labels, activation) into row groups and hands each full group to an
/// <see cref="ActivationCacheWriter"/> on a background task, so Parquet encoding overlaps the next forward pass.
/// Two buffers alternate; a buffer is refilled only after its write has finished, so memory stays at two row groups.
/// </summary>
public sealed class TokenRowWriter(ActivationCacheWriter writer, int rowsPerRowGroup, int dIn, int labelCount) : IAsyncDisposable
{
    readonly ActivationRows[] buffers = [new(rowsPerRowGroup, dIn, labelCount), new(rowsPerRowGroup, dIn, labelCount)];
    Task writing = Task.CompletedTask;
    int current;

    public long Rows { get; private set; }

    /// <summary>Adds positions 0..length−1 of one sequence; <paramref name="acts"/> holds its vectors row-major from <paramref name="actOffset"/>.</summary>
    public void AddSequence(long doc, ReadOnlySpan<int> tokens, int length, ReadOnlySpan<int> labels, ReadOnlySpan<float> acts, int actOffset)
    {
        for (int pos = 0; pos < length; pos++)
        {
            var rows = buffers[current];
            int r = rows.Count;
            rows.Doc[r] = doc;
            rows.Pos[r] = pos;
            rows.Token[r] = tokens[pos];
            for (int l = 0; l < labels.Length; l++) rows.Labels[l][r] = labels[l];
            acts.Slice(actOffset + pos * dIn, dIn).CopyTo(rows.Acts.AsSpan(r * dIn, dIn));
            rows.Count = r + 1;
            Rows++;
            if (rows.Count == rows.Capacity) Flush();
        }
    }

    void Flush()
    {
        var rows = buffers[current];
        if (rows.Count == 0) return;
        writing.GetAwaiter().GetResult();   // the other buffer's write must be done before it is refilled
        writing = Task.Run(() => writer.WriteAsync(rows));
        current = 1 - current;
        buffers[current].Count = 0;
    }

    /// <summary>Writes what is buffered and waits for every write; the cache writer's shards are then complete.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            Flush();
            await writing;
        }
        finally
        {
            await writing.ContinueWith(_ => { });
            await writer.DisposeAsync();
        }
    }
}
