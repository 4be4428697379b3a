using DuckDB.NET.Data;
using SaePipeline.Config;

namespace SaePipeline.Tests.Interop;

/// <summary>
/// Our activation shards read by DuckDB's own Parquet reader (not Arrow's, not Parquet.Net's), the way a user would
/// query a cache folder: <c>read_parquet('dir/part-*.parquet')</c> over every shard at once.
/// </summary>
public sealed class DuckDbShardTests
{
    [Fact]
    public async Task Float32CacheReadsAsTypedColumnsWithEveryWrittenValue()
    {
        using var dir = new TempDir();
        var cache = await InteropCache.WriteAsync(dir.Path, ActivationDtype.Float32);
        using var db = Open();
        string parts = Glob(dir.Path);
        // The SQL types DuckDB gives the columns: what a DuckDB or pandas user gets (act is FLOAT[], not BLOB or DOUBLE[]).
        Assert.Equal(
            [("doc", "BIGINT"), ("pos", "INTEGER"), ("token", "INTEGER"), ("sentiment", "INTEGER"), ("topic", "INTEGER"), ("act", "FLOAT[]")],
            Describe(db, $"SELECT * FROM read_parquet({parts})"));
        var rows = ReadRows(db, parts, row => ((List<float>)row).ToArray());
        ParquetSharpShardTests.AssertRowsAreTheWrittenOnes(cache, rows);
        AssertShardsMatchTheManifest(db, cache, dir.Path);
        // DuckDB itself (not our code) sees every list as d_in non-null floats.
        Assert.Equal(cache.Rows, Scalar<long>(db, $"SELECT count(*) FROM read_parquet({parts}) WHERE len(act) = {InteropCache.D} AND list_count(act) = {InteropCache.D}"));
    }

    [Fact]
    public async Task BFloat16CacheReadsAsBlobsThatDecodeToTheWrittenValues()
    {
        using var dir = new TempDir();
        var cache = await InteropCache.WriteAsync(dir.Path, ActivationDtype.Bfloat16);
        using var db = Open();
        string parts = Glob(dir.Path);
        // FINDING (reported): Parquet has no bf16 type and the shard gives act no logical type, so DuckDB reads it as
        // BLOB; turning it into numbers needs the caller's own decoding (here: the documented little-endian recipe).
        Assert.Equal(
            [("doc", "BIGINT"), ("pos", "INTEGER"), ("token", "INTEGER"), ("sentiment", "INTEGER"), ("topic", "INTEGER"), ("act", "BLOB")],
            Describe(db, $"SELECT * FROM read_parquet({parts})"));
        Assert.Equal(cache.Rows, Scalar<long>(db, $"SELECT count(*) FROM read_parquet({parts}) WHERE octet_length(act) = {2 * InteropCache.D}"));
        var rows = ReadRows(db, parts, blob =>
        {
            using var stream = (Stream)blob;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return ParquetSharpShardTests.DecodeBf16(copy.ToArray());
        });
        ParquetSharpShardTests.AssertRowsAreTheWrittenOnes(cache, rows);
        AssertShardsMatchTheManifest(db, cache, dir.Path);
    }

    /// <summary>Per file: the row count DuckDB reads and the row groups its footer lists equal the manifest's; the dtype metadata is there.</summary>
    static void AssertShardsMatchTheManifest(DuckDBConnection db, InteropCache cache, string dir)
    {
        string parts = Glob(dir);
        var rowsPerFile = Query(db, $"SELECT filename, count(*) FROM read_parquet({parts}, filename = true) GROUP BY filename",
                                r => (Path.GetFileName(r.GetString(0)), r.GetInt64(1))).ToDictionary();
        var groupsPerFile = Query(db, $"SELECT file_name, count(DISTINCT row_group_id) FROM parquet_metadata({parts}) GROUP BY file_name",
                                  r => (Path.GetFileName(r.GetString(0)), r.GetInt64(1))).ToDictionary();
        Assert.Equal(cache.Shards.Select(s => s.File).Order(), rowsPerFile.Keys.Order());
        foreach (var shard in cache.Shards)
        {
            Assert.Equal(shard.Rows, rowsPerFile[shard.File]);
            Assert.Equal(shard.RowGroups, groupsPerFile[shard.File]);
        }
        var dtypes = Query(db, $"SELECT decode(value) FROM parquet_kv_metadata({parts}) WHERE decode(key) = 'dtype'", r => r.GetString(0));
        Assert.Equal(Enumerable.Repeat(cache.Dtype, cache.Shards.Count), dtypes);
    }

    static List<ParquetSharpShardTests.ArrowRow> ReadRows(DuckDBConnection db, string parts, Func<object, float[]> act) =>
        Query(db, $"SELECT doc, pos, token, sentiment, topic, act FROM read_parquet({parts}) ORDER BY doc, pos",
              r => new ParquetSharpShardTests.ArrowRow(r.GetInt64(0), r.GetInt32(1), r.GetInt32(2), r.GetInt32(3), r.GetInt32(4), act(r.GetValue(5))));

    internal static DuckDBConnection Open()
    {
        var db = new DuckDBConnection("Data Source=:memory:");
        db.Open();
        return db;
    }

    internal static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    static string Glob(string dir) => Literal(Path.Combine(dir, "part-*.parquet"));

    internal static List<T> Query<T>(DuckDBConnection db, string sql, Func<System.Data.Common.DbDataReader, T> row)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read()) rows.Add(row(reader));
        return rows;
    }

    internal static T Scalar<T>(DuckDBConnection db, string sql) => Query(db, sql, r => r.GetFieldValue<T>(0)).Single();

    /// <summary>DuckDB's DESCRIBE: (column name, SQL type) of a query's result.</summary>
    internal static List<(string, string)> Describe(DuckDBConnection db, string sql) =>
        Query(db, $"DESCRIBE {sql}", r => (r.GetString(0), r.GetString(1)));
}
