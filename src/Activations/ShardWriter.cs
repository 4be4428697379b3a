using Parquet;

namespace SaePipeline.Activations;

/// <summary>
/// Writes one Parquet shard, one row group per <see cref="WriteAsync"/> call. No compression: fp32 activations shrink
/// only 10–20% and compressed writing is 2–100× slower with Parquet.Net (docs/dotnet-stack.md §5). The level buffers of the
/// list column are reused across row groups.
/// </summary>
public sealed class ShardWriter : IAsyncDisposable
{
    readonly ActivationSchema schema;
    readonly FileStream stream;
    readonly ParquetWriter writer;
    int[] definition = [], repetition = [];

    ShardWriter(ActivationSchema schema, FileStream stream, ParquetWriter writer)
    {
        this.schema = schema;
        this.stream = stream;
        this.writer = writer;
    }

    public long Rows { get; private set; }

    public static async Task<ShardWriter> CreateAsync(string path, ActivationSchema schema, IReadOnlyDictionary<string, string> metadata)
    {
        var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
        var options = new ParquetOptions { CompressionMethod = CompressionMethod.None };
        var writer = await ParquetWriter.CreateAsync(schema.Parquet, stream, options);
        writer.CustomMetadata = metadata.ToDictionary();
        return new ShardWriter(schema, stream, writer);
    }

    public async Task WriteAsync(ActivationRows rows)
    {
        int n = rows.Count, d = schema.DIn;
        using var group = writer.CreateRowGroup();
        await group.WriteAsync<long>(schema.Doc, rows.Doc.AsMemory(0, n), null, null, default);
        await group.WriteAsync<int>(schema.Pos, rows.Pos.AsMemory(0, n), null, null, default);
        await group.WriteAsync<int>(schema.Token, rows.Token.AsMemory(0, n), null, null, default);
        for (int i = 0; i < schema.Labels.Count; i++)
            await group.WriteAsync<int>(schema.Labels[i], rows.Labels[i].AsMemory(0, n), null, null, default);
        if (schema.Dtype == ActivationSchema.BFloat16)
        {
            var packed = new byte[n][];
            for (int r = 0; r < n; r++)
            {
                packed[r] = new byte[2 * d];
                BFloat16.Encode(rows.Acts.AsSpan(r * d, d), packed[r]);
            }
            await group.WriteAsync(schema.ActBytes, packed, null);
            Rows += n;
            return;
        }
        int values = n * d;
        if (definition.Length < values)
        {
            definition = new int[values];
            repetition = new int[values];
            Array.Fill(definition, schema.ActElement.MaxDefinitionLevel);
        }
        // Repetition level 0 starts a new row (list), 1 continues it.
        for (int r = 0; r < n; r++)
        {
            int start = r * d;
            repetition[start] = 0;
            Array.Fill(repetition, 1, start + 1, d - 1);
        }
        await group.WriteAllPartsAsync<float>(schema.ActElement, rows.Acts.AsMemory(0, values),
            definition.AsMemory(0, values), repetition.AsMemory(0, values), default);
        Rows += n;
    }

    public async ValueTask DisposeAsync()
    {
        await writer.DisposeAsync();
        await stream.FlushAsync();
        stream.Flush(flushToDisk: true);
        await stream.DisposeAsync();
    }
}
