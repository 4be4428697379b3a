using SaePipeline.Activations;
using SaePipeline.Artifacts;
using SaePipeline.Runtime;

namespace SaePipeline.Tests;

public sealed class ActivationStoreTests
{
    internal const int D = 8;

    /// <summary>Writes rows whose activation vector is (row, row + 0.5, …), so every value says where it came from, unless <paramref name="value"/> says otherwise.</summary>
    internal static async Task<ActivationCache> WriteCacheAsync(string dir, int rows, int rowsPerGroup, int rowsPerShard, Func<int, int, float>? value = null)
    {
        value ??= (row, j) => row + j * 0.5f;
        var schema = new ActivationSchema(D, ["label"]);
        var block = new ActivationRows(rowsPerGroup, D, 1);
        var writer = new ActivationCacheWriter(dir, "part", schema, rowsPerShard, new Dictionary<string, string> { ["d_in"] = "8" });
        for (int start = 0; start < rows; start += rowsPerGroup)
        {
            int n = Math.Min(rowsPerGroup, rows - start);
            for (int r = 0; r < n; r++)
            {
                block.Doc[r] = start + r;
                block.Pos[r] = r;
                block.Token[r] = -1;
                block.Labels[0][r] = (start + r) % 3;
                for (int j = 0; j < D; j++) block.Acts[r * D + j] = value(start + r, j);
            }
            block.Count = n;
            await writer.WriteAsync(block);
        }
        await writer.DisposeAsync();
        var info = new ActivationCacheInfo
        {
            DIn = D, Dtype = "float32", Hook = "test", LabelColumns = ["label"], RowsPerRowGroup = rowsPerGroup,
            Splits = new Dictionary<string, IReadOnlyList<ShardInfo>> { ["train"] = writer.Shards },
        };
        var manifest = new Manifest
        {
            Stage = "CacheActivations", Name = "t", Id = "t-00000000", Fingerprint = "f", Params = [], Upstream = [],
            StartedUtc = DateTimeOffset.UnixEpoch, Seconds = 0, Files = [], Info = (System.Text.Json.Nodes.JsonObject)Json.ToNode(info),
        };
        return ActivationCache.Open(dir, manifest);
    }

    [Fact]
    public async Task RowsRoundTripAcrossShardsAndRowGroups()
    {
        using var dir = new TempDir();
        var cache = await WriteCacheAsync(dir.Path, rows: 1000, rowsPerGroup: 128, rowsPerShard: 300);
        // 300 rows per shard, rounded up to whole row groups: 384 + 384 + 232.
        Assert.Equal([384L, 384, 232], cache.Shards("train").Select(s => s.Rows));
        Assert.Equal(1000, cache.Rows("train"));
        var rows = new ActivationRows(128, D, 0);
        long expectedDoc = 0;
        foreach (var shard in cache.Shards("train"))
        {
            await using var reader = await ShardReader.OpenAsync(cache.PathOf(shard), D);
            for (int g = 0; g < reader.RowGroupCount; g++)
            {
                await reader.ReadRowsAsync(g, rows);
                for (int r = 0; r < rows.Count; r++, expectedDoc++)
                {
                    Assert.Equal(expectedDoc, rows.Doc[r]);
                    Assert.Equal(expectedDoc + 1.5f, rows.Acts[r * D + 3]);
                }
            }
        }
        Assert.Equal(1000, expectedDoc);
    }

    [Fact]
    public async Task ShuffledBatchesServeEveryRowOncePerEpochInASeededOrder()
    {
        using var dir = new TempDir();
        var cache = await WriteCacheAsync(dir.Path, rows: 1000, rowsPerGroup: 100, rowsPerShard: 400);
        async Task<List<int>> Draw(long seed)
        {
            await using var batches = ShuffledBatches.Open(cache, "train", batchSize: 50, bufferRows: 300, seed);
            var seen = new List<int>();
            for (int b = 0; b < 40; b++)   // exactly two epochs
            {
                var batch = await batches.NextAsync();
                for (int r = 0; r < 50; r++) seen.Add((int)batch[r * D]);
            }
            return seen;
        }
        var first = await Draw(7);
        // Row values encode row ids. The buffer holds 400 rows, so the second epoch's row groups start to arrive only
        // once 1000 − 400 rows were drawn: until then, no row may repeat.
        Assert.Equal(600, first.Take(600).Distinct().Count());
        // Over two epochs' worth of draws no row is read more than three times (two epochs plus the next one's
        // first groups), and rows left behind are at most what the buffer holds.
        var counts = first.CountBy(r => r).ToDictionary();
        Assert.True(counts.Values.Max() <= 3);
        Assert.True(counts.Count >= 1000 - 400, $"{counts.Count} distinct rows");
        Assert.All(counts.Keys, r => Assert.InRange(r, 0, 999));
        Assert.NotEqual(first.Take(100).Order(), first.Take(100));   // shuffled
        Assert.Equal(first, await Draw(7));                              // same seed, same order
        Assert.NotEqual(first, await Draw(8));
    }

    [Fact]
    public async Task TruncatedShardIsReportedByPathNotByAStackTrace()
    {
        using var dir = new TempDir();
        var cache = await WriteCacheAsync(dir.Path, rows: 500, rowsPerGroup: 100, rowsPerShard: 1000);
        string path = cache.PathOf(cache.Shards("train")[0]);
        var bytes = await File.ReadAllBytesAsync(path);
        await File.WriteAllBytesAsync(path, bytes[..(bytes.Length / 2)]);
        var e = await Assert.ThrowsAsync<PipelineException>(() => ShardReader.OpenAsync(path, D));
        Assert.Equal(path, e.Origin);
        Assert.Contains($"cannot read activation shard {path}", e.Message);
        Assert.Contains("corrupt or truncated", e.Message);
    }

    [Fact]
    public async Task CorruptedPageIsReportedByPath()
    {
        using var dir = new TempDir();
        var cache = await WriteCacheAsync(dir.Path, rows: 500, rowsPerGroup: 100, rowsPerShard: 1000);
        string path = cache.PathOf(cache.Shards("train")[0]);
        var bytes = await File.ReadAllBytesAsync(path);
        for (int i = 4; i < 3000; i++) bytes[i] = 0xFF;   // the first row group's pages, headers included
        await File.WriteAllBytesAsync(path, bytes);
        var e = await Assert.ThrowsAsync<PipelineException>(async () =>
        {
            await using var reader = await ShardReader.OpenAsync(path, D);
            await reader.ReadRowsAsync(0, new ActivationRows(100, D, 0));
        });
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public async Task ShardWrittenForAnotherWidthIsRejected()
    {
        using var dir = new TempDir();
        var cache = await WriteCacheAsync(dir.Path, rows: 100, rowsPerGroup: 100, rowsPerShard: 1000);
        await using var reader = await ShardReader.OpenAsync(cache.PathOf(cache.Shards("train")[0]), dIn: 16);
        var e = await Assert.ThrowsAsync<PipelineException>(() => reader.ReadActsAsync(0, new float[100 * 16]));
        Assert.Contains("expected 100×16", e.Message);
    }
}
