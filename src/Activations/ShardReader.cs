using Parquet;
using Parquet.Schema;
using SaePipeline.Runtime;

namespace SaePipeline.Activations;

/// <summary>
/// Reads one Parquet shard of an activation cache, row group by row group. Any failure of the Parquet reader becomes
/// an error naming the file and what to do, never a stack trace from inside the reader.
/// </summary>
public sealed class ShardReader : IAsyncDisposable
{
    readonly string path;
    readonly FileStream stream;
    readonly ParquetReader reader;
    readonly DataField act;
    readonly int dIn;
    int[] definition = [], repetition = [];   // level buffers Parquet.Net needs for list columns, reused across row groups

    ShardReader(string path, FileStream stream, ParquetReader reader, DataField act, int dIn)
    {
        this.path = path;
        this.stream = stream;
        this.reader = reader;
        this.act = act;
        this.dIn = dIn;
    }

    public int RowGroupCount => reader.RowGroupCount;

    public static async Task<ShardReader> OpenAsync(string path, int dIn)
    {
        if (!File.Exists(path)) throw new PipelineException($"activation shard {path} is missing", path);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        try
        {
            var reader = await ParquetReader.CreateAsync(stream);
            var act = reader.Schema.GetDataFields().FirstOrDefault(f => f.Path.ToString().StartsWith(ActivationSchema.ActColumn, StringComparison.Ordinal));
            bool isList = act is { ClrType: var t, MaxRepetitionLevel: 1 } && t == typeof(float);
            bool isBf16 = act is { ClrType: var b, MaxRepetitionLevel: 0 } && (b == typeof(byte[]) || b == typeof(ReadOnlyMemory<byte>));
            if (act is null || !(isList || isBf16))
                throw new PipelineException($"{path}: no '{ActivationSchema.ActColumn}' column of type list<float> or bf16 bytes; this is not an activation shard", path);
            return new ShardReader(path, stream, reader, act, dIn);
        }
        catch (Exception e) when (e is not PipelineException)
        {
            await stream.DisposeAsync();
            throw Corrupt(path, e);
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
    }

    public long RowsIn(int rowGroup) =>
        rowGroup < reader.RowGroupCount
            ? reader.RowGroups[rowGroup].RowCount
            : throw new PipelineException($"{path} has {reader.RowGroupCount} row groups, but row group {rowGroup} was expected; the shard does not match its cache manifest", path);

    /// <summary>Reads the activations of one row group into <paramref name="destination"/> (row-major); returns the row count.</summary>
    public async Task<int> ReadActsAsync(int rowGroup, Memory<float> destination)
    {
        try
        {
            using var group = reader.OpenRowGroupReader(rowGroup);
            int rows = checked((int)group.RowCount);
            if (act.MaxRepetitionLevel == 0) return await ReadBFloat16Async(group, rows, destination, rowGroup);
            long values = group.GetMetadata(act)?.MetaData?.NumValues ?? -1;
            if (values != (long)rows * dIn)
                throw new PipelineException(
                    $"{path}: row group {rowGroup} holds {values} activation values for {rows} rows, expected {rows}×{dIn}; the shard is corrupt or was written with another d_in", path);
            int count = rows * dIn;
            if (definition.Length < count)
            {
                definition = new int[count];
                repetition = new int[count];
            }
            await group.ReadRawAsync(act, destination[..count], definition.AsMemory(0, count), repetition.AsMemory(0, count));
            // Every row must be one list of exactly d_in values, none of them null.
            for (int r = 0; r < rows; r++)
                if (repetition[r * dIn] != 0)
                    throw new PipelineException($"{path}: row group {rowGroup} has activation lists of unequal length; the shard is corrupt", path);
            if (definition.AsSpan(0, count).IndexOfAnyExcept(act.MaxDefinitionLevel) >= 0)
                throw new PipelineException($"{path}: row group {rowGroup} has null or empty activation lists", path);
            return rows;
        }
        catch (Exception e) when (e is not PipelineException)
        {
            throw Corrupt(path, e);
        }
    }

    /// <summary>bfloat16 shards: one 2·d-byte value per row, widened to float32.</summary>
    async Task<int> ReadBFloat16Async(ParquetRowGroupReader group, int rows, Memory<float> destination, int rowGroup)
    {
        var packed = new byte[]?[rows];
        await group.ReadAsync(act, packed.AsMemory());
        for (int r = 0; r < rows; r++)
        {
            if (packed[r] is not { } bytes || bytes.Length != 2 * dIn)
                throw new PipelineException(
                    $"{path}: row group {rowGroup} row {r} holds {packed[r]?.Length ?? 0} bytes of bf16 activations, expected {2 * dIn}; the shard is corrupt or was written with another d_in", path);
            BFloat16.Decode(bytes, destination.Span.Slice(r * dIn, dIn));
        }
        return rows;
    }

    /// <summary>Reads every column of one row group.</summary>
    public async Task ReadRowsAsync(int rowGroup, ActivationRows into)
    {
        try
        {
            using var group = reader.OpenRowGroupReader(rowGroup);
            int rows = checked((int)group.RowCount);
            var fields = reader.Schema.GetDataFields();
            DataField Field(string name) => fields.FirstOrDefault(f => f.Name == name)
                ?? throw new PipelineException($"{path}: no column '{name}'", path);
            await group.ReadAsync(Field("doc"), into.Doc.AsMemory(0, rows));
            await group.ReadAsync(Field("pos"), into.Pos.AsMemory(0, rows));
            await group.ReadAsync(Field("token"), into.Token.AsMemory(0, rows));
            into.Count = await ReadActsAsync(rowGroup, into.Acts);
        }
        catch (Exception e) when (e is not PipelineException)
        {
            throw Corrupt(path, e);
        }
    }

    /// <summary>Reads one int32 label column of a row group (e.g. n_active of synthetic caches).</summary>
    public async Task ReadLabelAsync(int rowGroup, string column, Memory<int> destination)
    {
        try
        {
            using var group = reader.OpenRowGroupReader(rowGroup);
            var field = reader.Schema.GetDataFields().FirstOrDefault(f => f.Name == column)
                        ?? throw new PipelineException($"{path}: no column '{column}'", path);
            await group.ReadAsync(field, destination[..checked((int)group.RowCount)]);
        }
        catch (Exception e) when (e is not PipelineException)
        {
            throw Corrupt(path, e);
        }
    }

    static PipelineException Corrupt(string path, Exception e) => new(
        $"cannot read activation shard {path}: {e.Message.TrimEnd('.')}. The file is corrupt or truncated; delete its cache folder ({Path.GetDirectoryName(path)}) and rerun the build",
        path, e);

    public async ValueTask DisposeAsync()
    {
        await reader.DisposeAsync();
        await stream.DisposeAsync();
    }
}
