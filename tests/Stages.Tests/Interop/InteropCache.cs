using SaePipeline.Activations;
using SaePipeline.Artifacts;
using SaePipeline.Config;
using SaePipeline.Runtime;

namespace SaePipeline.Tests.Interop;

/// <summary>
/// A small activation cache written by the production path (<see cref="TokenRowWriter"/> → <see cref="ActivationCacheWriter"/>
/// → <see cref="ShardWriter"/>, with <see cref="ModelCache.Metadata"/> as the shards' key-value metadata), whose every
/// value is a closed-form function of (doc, pos, dimension), so a second reader can be checked value by value without
/// trusting anything we read back ourselves.
/// </summary>
internal sealed class InteropCache
{
    // 23 documents × 10 positions = 230 rows in row groups of 32 and shards of ≥ 64 rows: shards of 64, 64, 64 and
    // 38 rows, each of two row groups, the last group partial. D is odd so no row is a power-of-two number of bytes.
    public const int D = 5, Docs = 23, Context = 10, RowsPerRowGroup = 32, RowsPerShard = 64;
    public const string Id = "interop-00000000";
    public static readonly string[] LabelColumns = ["sentiment", "topic"];

    InteropCache(ActivationCache cache, ModelCacheSettings settings)
    {
        Cache = cache;
        Settings = settings;
    }

    public ActivationCache Cache { get; }
    public ModelCacheSettings Settings { get; }
    public string Dtype => Settings.DtypeName;
    public IReadOnlyList<ShardInfo> Shards => Cache.Shards("train");
    public long Rows => Cache.Rows("train");

    public static int Token(long doc, int pos) => (int)(1000 + 7 * doc + pos);
    public static int Label(int column, long doc) => column == 0 ? (int)(doc % 2) : (int)(doc % 3);

    /// <summary>
    /// The bfloat16 value of (doc, pos, j): ±(1 + m/128)·2^(j−2) with m = (10·doc + pos) mod 128 has 7 fraction bits,
    /// so it is exact in bf16 (8 significand bits) and the cast must not change it; the sign alternates.
    /// </summary>
    public static float Bf16Value(long doc, int pos, int j)
    {
        long m = (Context * doc + pos) % 128;
        float magnitude = (1 + m / 128f) * MathF.Pow(2, j - 2);
        return (doc + pos + j) % 2 == 0 ? magnitude : -magnitude;
    }

    /// <summary>
    /// The float32 value: the bf16 value times (1 + 2⁻¹²), exact in float32 (19 fraction bits) but not in bf16, so a
    /// reader (or writer) that narrowed float32 shards to bf16 anywhere would be caught.
    /// </summary>
    public static float F32Value(long doc, int pos, int j) => Bf16Value(doc, pos, j) * (1 + 1f / 4096);

    public float Value(long doc, int pos, int j) => Dtype == ActivationSchema.BFloat16 ? Bf16Value(doc, pos, j) : F32Value(doc, pos, j);

    /// <summary>Writes the cache into <paramref name="dir"/> as CacheActivations would, with a manifest built from the writer's shard list.</summary>
    public static async Task<InteropCache> WriteAsync(string dir, ActivationDtype dtype)
    {
        var settings = new ModelCacheSettings
        {
            Hook = "blocks.0.hook_resid_post", Context = Context, Dtype = dtype, BatchRows = 4,
            RowsPerShard = RowsPerShard, RowsPerRowGroup = RowsPerRowGroup,
        };
        var schema = new ActivationSchema(D, LabelColumns, settings.DtypeName);
        var cacheWriter = new ActivationCacheWriter(dir, "part", schema, settings.RowsPerShard, ModelCache.Metadata(Id, settings, D));
        await using (var writer = new TokenRowWriter(cacheWriter, settings.RowsPerRowGroup, D, LabelColumns.Length))
        {
            var acts = new float[Context * D];
            var tokens = new int[Context];
            for (long doc = 0; doc < Docs; doc++)
            {
                for (int pos = 0; pos < Context; pos++)
                {
                    tokens[pos] = Token(doc, pos);
                    for (int j = 0; j < D; j++)
                        acts[pos * D + j] = dtype == ActivationDtype.Bfloat16 ? Bf16Value(doc, pos, j) : F32Value(doc, pos, j);
                }
                writer.AddSequence(doc, tokens, Context, [Label(0, doc), Label(1, doc)], acts, 0);
            }
        }
        var info = new ActivationCacheInfo
        {
            DIn = D, Dtype = settings.DtypeName, Hook = settings.Hook, LabelColumns = LabelColumns, RowsPerRowGroup = RowsPerRowGroup,
            Splits = new Dictionary<string, IReadOnlyList<ShardInfo>> { ["train"] = cacheWriter.Shards },
        };
        var manifest = new Manifest
        {
            Stage = "CacheActivations", Name = "interop", Id = Id, Fingerprint = "f", Params = [], Upstream = [],
            StartedUtc = DateTimeOffset.UnixEpoch, Seconds = 0, Files = [], Info = (System.Text.Json.Nodes.JsonObject)Json.ToNode(info),
        };
        return new InteropCache(ActivationCache.Open(dir, manifest), settings);
    }

    /// <summary>The rows in write order: doc-major, then pos.</summary>
    public static IEnumerable<(long Doc, int Pos)> ExpectedRows()
    {
        for (long doc = 0; doc < Docs; doc++)
            for (int pos = 0; pos < Context; pos++)
                yield return (doc, pos);
    }
}
