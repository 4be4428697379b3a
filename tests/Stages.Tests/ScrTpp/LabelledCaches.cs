using SaePipeline.Activations;
using SaePipeline.Artifacts;
using SaePipeline.Models.Tokenizers;
using SaePipeline.Runtime;

namespace SaePipeline.Tests.ScrTpp;

/// <summary>One text of a hand-made labelled cache: its row number in its split and its real tokens' activations.</summary>
internal sealed record CachedText(int Doc, float[][] Tokens);

/// <summary>
/// Writes labelled caches as CacheActivations does (one Parquet row per stored position, BOS first), from activations a
/// test chooses, so SCR/TPP code can be run on known inputs through the real reader.
/// </summary>
internal static class LabelledCaches
{
    public const int Bos = 0, Word = 1;

    /// <summary>The BOS position holds this vector: stored like any position, it must never count (SAEBench zeroes it).</summary>
    public const float BosValue = 1000f;

    public static ActivationCache Write(string dir, int dIn, int context, IReadOnlyDictionary<string, IReadOnlyList<CachedText>> splits)
    {
        var schema = new ActivationSchema(dIn, []);
        var shards = new Dictionary<string, IReadOnlyList<ShardInfo>>();
        foreach (var (split, texts) in splits)
        {
            var writer = new ActivationCacheWriter(dir, split == "train" ? "part" : split, schema, 1 << 20, new Dictionary<string, string>());
            int positions = texts.Sum(t => t.Tokens.Length + 1);
            var block = new ActivationRows(positions, dIn, 0);
            int r = 0;
            foreach (var text in texts)
                for (int pos = 0; pos <= text.Tokens.Length; pos++, r++)
                {
                    block.Doc[r] = text.Doc;
                    block.Pos[r] = pos;
                    block.Token[r] = pos == 0 ? Bos : Word;
                    for (int d = 0; d < dIn; d++) block.Acts[r * dIn + d] = pos == 0 ? BosValue : text.Tokens[pos - 1][d];
                }
            block.Count = r;
            writer.WriteAsync(block).GetAwaiter().GetResult();
            writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
            shards[split] = writer.Shards;
        }
        var info = new ActivationCacheInfo
        {
            DIn = dIn, Dtype = "float32", Hook = "test", LabelColumns = [], Splits = shards, Context = context,
            RowsPerRowGroup = splits.Values.Max(t => t.Sum(x => x.Tokens.Length + 1)),
            SpecialTokens = new SpecialTokens(Bos, Bos, Bos),
        };
        var manifest = new Manifest
        {
            Stage = "CacheActivations", Name = "t", Id = "t-00000000", Fingerprint = "f", Params = [], Upstream = [],
            StartedUtc = DateTimeOffset.UnixEpoch, Seconds = 0, Files = [], Info = (System.Text.Json.Nodes.JsonObject)Json.ToNode(info),
        };
        return ActivationCache.Open(dir, manifest);
    }
}
