using Apache.Arrow;
using Apache.Arrow.Types;
using ParquetSharp;
using SaePipeline.Activations;
using SaePipeline.Config;
using Xunit.Abstractions;
using ArrowFileReader = ParquetSharp.Arrow.FileReader;
using ArrowSchema = Apache.Arrow.Schema;

namespace SaePipeline.Tests.Interop;

/// <summary>
/// Our activation shards read by a second Parquet implementation: ParquetSharp, a wrapper around Apache Arrow's C++
/// Parquet library, the same engine (and the same Parquet → Arrow schema mapping) pyarrow and pandas use. Parquet.Net,
/// which writes the shards, is not involved in any read here, so these tests fail if our files only round-trip
/// through the library that wrote them.
/// </summary>
public sealed class ParquetSharpShardTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Float32ShardsHaveTheDocumentedParquetSchema()
    {
        using var dir = new TempDir();
        var cache = await InteropCache.WriteAsync(dir.Path, ActivationDtype.Float32);
        foreach (var shard in cache.Shards)
        {
            using var file = new ParquetFileReader(cache.Cache.PathOf(shard));
            var schema = file.FileMetaData.Schema;
            // Leaf columns in the documented order: doc, pos, token, the label columns, then act's list element.
            Assert.Equal(["doc", "pos", "token", "sentiment", "topic", "act.list.element"],
                         Enumerable.Range(0, schema.NumColumns).Select(i => schema.Column(i).Path.ToDotString()));
            AssertPlainColumn(schema.Column(0), PhysicalType.Int64);
            for (int i = 1; i <= 4; i++) AssertPlainColumn(schema.Column(i), PhysicalType.Int32);
            // act: the standard three-level LIST (group act (LIST) { repeated group list { required float element } }),
            // so every reader that follows the Parquet spec's list rules sees a list of float32.
            var element = schema.Column(5);
            Assert.Equal(PhysicalType.Float, element.PhysicalType);
            Assert.Equal(LogicalTypeEnum.None, element.LogicalType.Type);
            Assert.Equal(Repetition.Required, element.SchemaNode.Repetition);   // "list<float> with required elements"
            Assert.Equal(1, element.MaxRepetitionLevel);
            var repeated = element.SchemaNode.Parent!;
            Assert.Equal(Repetition.Repeated, repeated.Repetition);
            var act = repeated.Parent!;
            Assert.Equal("act", act.Name);
            Assert.Equal(LogicalTypeEnum.List, act.LogicalType.Type);
            output.WriteLine($"{shard.File}: act is {act.Repetition}, element max definition level {element.MaxDefinitionLevel}");
        }
    }

    [Fact]
    public async Task Float32ShardsMatchTheManifestAndEveryWrittenValue()
    {
        using var dir = new TempDir();
        var cache = await InteropCache.WriteAsync(dir.Path, ActivationDtype.Float32);
        // The data set is more than one shard of more than one row group each, the last group partial.
        Assert.True(cache.Shards.Count >= 3);
        Assert.All(cache.Shards, s => Assert.True(s.RowGroups >= 2));
        Assert.Equal(InteropCache.Docs * InteropCache.Context, cache.Rows);

        var rows = new List<ArrowRow>();
        foreach (var shard in cache.Shards)
        {
            string path = cache.Cache.PathOf(shard);
            using (var file = new ParquetFileReader(path))
            {
                // Footer facts against the manifest, and the file's key-value metadata (a shard alone says what it is).
                Assert.Equal(shard.Rows, file.FileMetaData.NumRows);
                Assert.Equal(shard.RowGroups, file.FileMetaData.NumRowGroups);
                Assert.True(Enumerable.Range(0, shard.RowGroups).All(g => file.RowGroup(g).MetaData.NumRows <= InteropCache.RowsPerRowGroup));
                var kv = file.FileMetaData.KeyValueMetadata;
                Assert.Equal("5", kv["d_in"]);
                Assert.Equal("float32", kv["dtype"]);
                Assert.Equal(InteropCache.Id, kv["id"]);
            }
            var shardRows = await ReadArrowAsync(path, expectList: true);
            Assert.Equal(shard.Rows, shardRows.Count);
            rows.AddRange(shardRows);
        }
        AssertRowsAreTheWrittenOnes(cache, rows);
    }

    [Fact]
    public async Task Float32ShardsAreReadAsListOfFloat32ByArrow()
    {
        using var dir = new TempDir();
        var cache = await InteropCache.WriteAsync(dir.Path, ActivationDtype.Float32);
        using var reader = new ArrowFileReader(cache.Cache.PathOf(cache.Shards[0]));
        // What pyarrow.parquet.read_schema would print: doc: int64 not null, ..., act: list<element: float not null>.
        var schema = reader.Schema;
        output.WriteLine(Describe(schema));
        AssertArrowScalarColumns(schema);
        var act = schema.GetFieldByName("act");
        var list = Assert.IsType<ListType>(act.DataType);
        Assert.IsType<FloatType>(list.ValueDataType);
        Assert.False(list.ValueField.IsNullable);
    }

    [Fact]
    public async Task BFloat16ShardsAreBinaryThatDecodesToTheWrittenValues()
    {
        using var dir = new TempDir();
        var cache = await InteropCache.WriteAsync(dir.Path, ActivationDtype.Bfloat16);
        var rows = new List<ArrowRow>();
        foreach (var shard in cache.Shards)
        {
            string path = cache.Cache.PathOf(shard);
            using (var file = new ParquetFileReader(path))
            {
                Assert.Equal(shard.Rows, file.FileMetaData.NumRows);
                Assert.Equal(shard.RowGroups, file.FileMetaData.NumRowGroups);
                Assert.Equal("bfloat16", file.FileMetaData.KeyValueMetadata["dtype"]);
                // ActivationSchema's bf16 form: act is one required BYTE_ARRAY per row with no logical type. Parquet has
                // no bf16 type, so pyarrow and DuckDB see bytes, not floats; docs/formats.md gives the two-line numpy
                // recipe, which the value checks below apply.
                var schema = file.FileMetaData.Schema;
                Assert.Equal(["doc", "pos", "token", "sentiment", "topic", "act"],
                             Enumerable.Range(0, schema.NumColumns).Select(i => schema.Column(i).Path.ToDotString()));
                var act = schema.Column(5);
                Assert.Equal(PhysicalType.ByteArray, act.PhysicalType);
                Assert.Equal(LogicalTypeEnum.None, act.LogicalType.Type);
                Assert.Equal(Repetition.Required, act.SchemaNode.Repetition);
            }
            using (var reader = new ArrowFileReader(path))
            {
                AssertArrowScalarColumns(reader.Schema);
                Assert.IsType<BinaryType>(reader.Schema.GetFieldByName("act").DataType);   // pyarrow: act: binary not null
            }
            rows.AddRange(await ReadArrowAsync(path, expectList: false));
        }
        AssertRowsAreTheWrittenOnes(cache, rows);
    }

    [Theory]
    [InlineData(ActivationDtype.Float32)]
    [InlineData(ActivationDtype.Bfloat16)]
    public async Task OurReaderAndArrowAgreeOnEveryRow(ActivationDtype dtype)
    {
        using var dir = new TempDir();
        var cache = await InteropCache.WriteAsync(dir.Path, dtype);
        var ours = new ActivationRows(InteropCache.RowsPerRowGroup, InteropCache.D, 0);
        var labels = new int[InteropCache.RowsPerRowGroup];
        foreach (var shard in cache.Shards)
        {
            string path = cache.Cache.PathOf(shard);
            var arrow = await ReadArrowAsync(path, expectList: dtype == ActivationDtype.Float32);
            int next = 0;
            await using var reader = await ShardReader.OpenAsync(path, InteropCache.D);
            Assert.Equal(shard.RowGroups, reader.RowGroupCount);
            for (int g = 0; g < reader.RowGroupCount; g++)
            {
                await reader.ReadRowsAsync(g, ours);
                await reader.ReadLabelAsync(g, "topic", labels);
                for (int r = 0; r < ours.Count; r++, next++)
                {
                    var a = arrow[next];
                    Assert.Equal(a.Doc, ours.Doc[r]);
                    Assert.Equal(a.Pos, ours.Pos[r]);
                    Assert.Equal(a.Token, ours.Token[r]);
                    Assert.Equal(a.Topic, labels[r]);
                    // Bit-for-bit: both readers must hand back the same float32 values.
                    Assert.Equal(a.Act.Select(BitConverter.SingleToInt32Bits), ours.Acts.AsSpan(r * InteropCache.D, InteropCache.D).ToArray().Select(BitConverter.SingleToInt32Bits));
                }
            }
            Assert.Equal(arrow.Count, next);
        }
    }

    internal sealed record ArrowRow(long Doc, int Pos, int Token, int Sentiment, int Topic, float[] Act);

    static void AssertPlainColumn(ColumnDescriptor column, PhysicalType type)
    {
        Assert.Equal(type, column.PhysicalType);
        // No logical annotation or a plain signed INT(bits) one: both read as int64 / int32, never as unsigned or dates.
        Assert.True(column.LogicalType.Type == LogicalTypeEnum.None ||
                    column.LogicalType is IntLogicalType { IsSigned: true } i && i.BitWidth == (type == PhysicalType.Int64 ? 64 : 32),
                    $"{column.Path.ToDotString()} has logical type {column.LogicalType}");
        Assert.Equal(Repetition.Required, column.SchemaNode.Repetition);
        Assert.Equal(0, column.MaxRepetitionLevel);
    }

    static void AssertArrowScalarColumns(ArrowSchema schema)
    {
        Assert.Equal(["doc", "pos", "token", "sentiment", "topic", "act"], schema.FieldsList.Select(f => f.Name));
        Assert.IsType<Int64Type>(schema.GetFieldByName("doc").DataType);
        foreach (var name in new[] { "pos", "token", "sentiment", "topic" }) Assert.IsType<Int32Type>(schema.GetFieldByName(name).DataType);
        Assert.All(schema.FieldsList.Where(f => f.Name != "act"), f => Assert.False(f.IsNullable, f.Name));
    }

    static string Describe(ArrowSchema schema) => string.Join(", ", schema.FieldsList.Select(f =>
        $"{f.Name}: {(f.DataType is ListType l ? $"list<{l.ValueField.Name}: {l.ValueDataType.Name}{(l.ValueField.IsNullable ? "" : " not null")}>" : f.DataType.Name)}{(f.IsNullable ? "" : " not null")}"));

    /// <summary>Every row of a shard through Arrow's reader: act from list&lt;float&gt;, or from binary decoded by hand as bf16.</summary>
    internal static async Task<List<ArrowRow>> ReadArrowAsync(string path, bool expectList)
    {
        var rows = new List<ArrowRow>();
        using var reader = new ArrowFileReader(path);
        using var batches = reader.GetRecordBatchReader();
        while (await batches.ReadNextRecordBatchAsync() is { } batch)
            using (batch)
            {
                var doc = (Int64Array)batch.Column("doc");
                var pos = (Int32Array)batch.Column("pos");
                var token = (Int32Array)batch.Column("token");
                var sentiment = (Int32Array)batch.Column("sentiment");
                var topic = (Int32Array)batch.Column("topic");
                var act = batch.Column("act");
                for (int r = 0; r < batch.Length; r++)
                {
                    Assert.False(act.IsNull(r));
                    float[] values = expectList ? ListRow(Assert.IsType<ListArray>(act), r) : DecodeBf16(Assert.IsType<BinaryArray>(act).GetBytes(r));
                    rows.Add(new ArrowRow(doc.GetValue(r)!.Value, pos.GetValue(r)!.Value, token.GetValue(r)!.Value,
                                          sentiment.GetValue(r)!.Value, topic.GetValue(r)!.Value, values));
                }
            }
        return rows;
    }

    static float[] ListRow(ListArray list, int r)
    {
        var values = (FloatArray)list.Values;
        int start = list.ValueOffsets[r], length = list.GetValueLength(r);
        return values.Values.Slice(start, length).ToArray();
    }

    /// <summary>
    /// The documented recipe, written out independently of <see cref="BFloat16"/>: 2 bytes per value, little-endian,
    /// the upper half of a float32 (numpy: <c>np.frombuffer(b, "&lt;u2").astype("&lt;u4") &lt;&lt; 16</c>).
    /// </summary>
    internal static float[] DecodeBf16(ReadOnlySpan<byte> bytes)
    {
        Assert.Equal(0, bytes.Length % 2);
        var values = new float[bytes.Length / 2];
        for (int i = 0; i < values.Length; i++)
            values[i] = BitConverter.UInt32BitsToSingle((uint)System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]) << 16);
        return values;
    }

    /// <summary>Rows in write order, each column equal to the closed form it was written from; the count equals the manifest's.</summary>
    internal static void AssertRowsAreTheWrittenOnes(InteropCache cache, IReadOnlyList<ArrowRow> rows)
    {
        Assert.Equal(cache.Rows, rows.Count);
        int i = 0;
        foreach (var (doc, pos) in InteropCache.ExpectedRows())
        {
            var row = rows[i++];
            Assert.Equal(doc, row.Doc);
            Assert.Equal(pos, row.Pos);
            Assert.Equal(InteropCache.Token(doc, pos), row.Token);
            Assert.Equal(InteropCache.Label(0, doc), row.Sentiment);
            Assert.Equal(InteropCache.Label(1, doc), row.Topic);
            Assert.Equal(InteropCache.D, row.Act.Length);
            for (int j = 0; j < InteropCache.D; j++)
                Assert.True(cache.Value(doc, pos, j) == row.Act[j], $"doc {doc} pos {pos} act[{j}]: wrote {cache.Value(doc, pos, j):R}, read {row.Act[j]:R}");
        }
    }
}
