using Parquet;
using SaePipeline.Activations;
using SaePipeline.Config;
using SaePipeline.Data;
using SaePipeline.Models;
using static TorchSharp.torch;

namespace SaePipeline.Tests;

/// <summary>CacheActivations from a model: what lands in the shards is what a direct forward of the same tokens gives.</summary>
public sealed class ModelCacheTests
{
    const int D = 32, Vocab = 300, Bos = 0, Pad = 299;
    const string Hook = "blocks.0.hook_resid_post";

    static GptNeoX Model() =>
        new(new GptNeoX.Config(Vocab, D, 2, 2, 64, 1e-5, "gelu", 0.25, 10000, true, true, false),
            SaePipeline.Models.Layers.Activation("gelu", "test"), new InitialWeights(7, ScalarType.Float32, CPU), ScalarType.Float32, CPU);

    static ModelCacheSettings Settings(string dtype) => new()
    {
        // A batch that does not divide the rows, and shards and row groups that split rows between them.
        Hook = Hook, Context = 16, Dtype = dtype == "bfloat16" ? ActivationDtype.Bfloat16 : ActivationDtype.Float32,
        BatchRows = 3, RowsPerShard = 40, RowsPerRowGroup = 24,
    };

    static List<int[]> Documents(int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, 40).Select(_ => Enumerable.Range(0, random.Next(1, 30)).Select(_ => random.Next(1, Pad)).ToArray()).ToList();
    }

    /// <summary>Every row of every shard of a split, in file order.</summary>
    static async Task<(List<long> Doc, List<int> Pos, List<int> Token, List<int[]> Labels, List<float> Acts)> ReadAll(string dir, IReadOnlyList<ShardInfo> shards, int labels)
    {
        var (doc, pos, token, lab, acts) = (new List<long>(), new List<int>(), new List<int>(), new List<int[]>(), new List<float>());
        foreach (var shard in shards)
        {
            await using var reader = await ShardReader.OpenAsync(Path.Combine(dir, shard.File), D);
            for (int g = 0; g < reader.RowGroupCount; g++)
            {
                var rows = new ActivationRows((int)reader.RowsIn(g), D, 0);
                await reader.ReadRowsAsync(g, rows);
                doc.AddRange(rows.Doc.Take(rows.Count));
                pos.AddRange(rows.Pos.Take(rows.Count));
                token.AddRange(rows.Token.Take(rows.Count));
                acts.AddRange(rows.Acts.Take(rows.Count * D));
                var groupLabels = new int[labels][];
                for (int l = 0; l < labels; l++)
                {
                    groupLabels[l] = new int[rows.Count];
                    await reader.ReadLabelAsync(g, $"label{l}", groupLabels[l]);
                }
                for (int r = 0; r < rows.Count; r++) lab.Add(groupLabels.Select(x => x[r]).ToArray());
            }
        }
        return (doc, pos, token, lab, acts);
    }

    static float[] Direct(GptNeoX model, int[] tokens)
    {
        using var scope = NewDisposeScope();
        var ids = tensor(tokens.Select(t => (long)t).ToArray(), [1, tokens.Length]);
        using var result = model.Forward(ids, null, new ForwardRequest { Capture = [Hook] });
        return result.Activations[Hook].contiguous().data<float>().ToArray();
    }

    /// <summary>fp32 storage must hold the forward's values; bf16 storage those values rounded to bf16.</summary>
    static void AssertStored(float expected, float stored, string dtype)
    {
        if (dtype == "float32") Assert.True(Math.Abs(expected - stored) <= 1e-5f * (1 + Math.Abs(expected)), $"{stored} vs {expected}");
        else Assert.True(Math.Abs(expected - stored) <= Math.Abs(expected) / 128 + 1e-6f, $"bf16 {stored} vs {expected}");
    }

    [Theory]
    [InlineData("float32")]
    [InlineData("bfloat16")]
    public async Task PackedCorpusRoundTripsThroughTheShards(string dtype)
    {
        using var dir = new TempDir();
        using var model = Model();
        var settings = Settings(dtype);
        var schema = new ActivationSchema(D, [], settings.DtypeName);
        var (shards, tokens) = ModelCache.WritePacked(dir.Path, "part", settings, new HookRunner(model, HookPoint.Parse(Hook, 2)), schema,
            ModelCache.Metadata("test", settings, D), Documents(1), rows: 7, Bos, null, 0, _ => { });
        Assert.Equal(7 * 16, tokens);
        Assert.True(shards.Count > 1);

        var expectedRows = TokenPacking.Pack(Documents(1), 16, Bos, Bos).Take(7).ToList();
        var (doc, pos, token, _, acts) = await ReadAll(dir.Path, shards, 0);
        Assert.Equal(7 * 16, doc.Count);
        for (int row = 0; row < 7; row++)
        {
            var direct = Direct(model, expectedRows[row].Tokens);
            for (int t = 0; t < 16; t++)
            {
                int i = row * 16 + t;
                Assert.Equal(row, doc[i]);
                Assert.Equal(t, pos[i]);
                Assert.Equal(expectedRows[row].Tokens[t], token[i]);
                for (int j = 0; j < D; j++) AssertStored(direct[t * D + j], acts[i * D + j], dtype);
            }
        }

        // The schema other tools see: typed columns, and metadata saying what the file holds.
        await using var stream = File.OpenRead(Path.Combine(dir.Path, shards[0].File));
        await using var reader = await ParquetReader.CreateAsync(stream);
        var fields = reader.Schema.GetDataFields();
        Assert.Equal(["doc", "pos", "token"], fields.Take(3).Select(f => f.Name));
        Assert.Equal([typeof(long), typeof(int), typeof(int)], fields.Take(3).Select(f => f.ClrType));
        Assert.Equal(dtype == "float32" ? typeof(float) : typeof(ReadOnlyMemory<byte>), fields[3].ClrType);
        Assert.Equal(dtype, reader.CustomMetadata["dtype"]);
        Assert.Equal(Hook, reader.CustomMetadata["hook"]);
        Assert.Equal("32", reader.CustomMetadata["d_in"]);
    }

    [Fact]
    public async Task LabelledRowsHoldOnlyRealPositionsWithTheirLabelsAndMatchTheUnpaddedForward()
    {
        using var dir = new TempDir();
        using var model = Model();
        var settings = Settings("float32");
        var texts = Documents(2).Take(10).ToList();
        texts[4] = Enumerable.Range(1, 40).ToArray();   // longer than the context: truncated to BOS + 15 tokens
        int[][] codes = [texts.Select((_, i) => i % 3).ToArray(), texts.Select((_, i) => 100 + i).ToArray()];
        var schema = new ActivationSchema(D, ["label0", "label1"], settings.DtypeName);
        var docs = texts.Select((_, i) => 7 + 3 * i).ToArray();   // the texts' row numbers in their split: a selection, not 0…n−1
        var (shards, tokens) = ModelCache.WriteLabelled(dir.Path, "part", settings, new HookRunner(model, HookPoint.Parse(Hook, 2)), schema,
            ModelCache.Metadata("test", settings, D), texts, codes, docs, Bos, Pad, null, 0);

        var (doc, pos, token, labels, acts) = await ReadAll(dir.Path, shards, 2);
        var lengths = texts.Select(t => Math.Min(16, t.Length + 1)).ToArray();
        Assert.Equal(lengths.Sum(), tokens);
        Assert.Equal(lengths.Sum(), doc.Count);
        Assert.DoesNotContain(Pad, token);
        int i = 0;
        for (int row = 0; row < texts.Count; row++)
        {
            int[] fed = [Bos, .. texts[row].Take(lengths[row] - 1)];
            // A right-padded row, run without a mask, equals the text run alone at every real position (causal attention).
            var direct = Direct(model, fed);
            for (int t = 0; t < lengths[row]; t++, i++)
            {
                Assert.Equal(docs[row], doc[i]);
                Assert.Equal(t, pos[i]);
                Assert.Equal(fed[t], token[i]);
                Assert.Equal([row % 3, 100 + row], labels[i]);
                for (int j = 0; j < D; j++) AssertStored(direct[t * D + j], acts[i * D + j], "float32");
            }
        }
    }

    [Fact]
    public void BFloat16RoundsToNearestEvenLikeTorch()
    {
        float[] values = [1f, -2.5f, 3.14159265f, 1e-8f, 65504f, 1.00390625f /* halfway: rounds to even 1.0 */, 1.01171875f /* halfway: up */];
        using var expected = tensor(values).to(ScalarType.BFloat16).to(ScalarType.Float32);
        var bytes = new byte[values.Length * 2];
        BFloat16.Encode(values, bytes);
        var decoded = new float[values.Length];
        BFloat16.Decode(bytes, decoded);
        Assert.Equal(expected.data<float>().ToArray(), decoded);
    }
}
