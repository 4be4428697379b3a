using System.Text.Json.Nodes;
using SaePipeline.Artifacts;
using SaePipeline.Runtime;

namespace SaePipeline.Activations;

/// <summary>One Parquet file of a cache split.</summary>
public sealed record ShardInfo(string File, long Rows, int RowGroups);

/// <summary>What CacheActivations records about a cache in its manifest's <c>info</c>.</summary>
public sealed record ActivationCacheInfo
{
    public required int DIn { get; init; }
    public required string Dtype { get; init; }

    /// <summary>The hook point the rows come from ("synthetic" for planted features).</summary>
    public required string Hook { get; init; }

    public required IReadOnlyList<string> LabelColumns { get; init; }

    /// <summary>The most rows any row group holds: what a reader must be able to take in one read.</summary>
    public required int RowsPerRowGroup { get; init; }

    /// <summary>Splits by name ("train" → part-*.parquet, "heldout" → heldout-*.parquet).</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<ShardInfo>> Splits { get; init; }

    /// <summary>Facts about the source (for synthetic data: the true mean L0).</summary>
    public JsonObject? Source { get; init; }

    public double? RowsPerSecond { get; init; }

    /// <summary>Model caches: class names of label columns that are not ints; a row's code indexes this list.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? LabelClasses { get; init; }

    /// <summary>Model caches: tokens per packed row (corpus) or the truncation length (labelled), BOS included.</summary>
    public int? Context { get; init; }

    /// <summary>Model caches: the BOS/EOS/PAD ids, so later stages can leave those positions out.</summary>
    public Models.Tokenizers.SpecialTokens? SpecialTokens { get; init; }

    /// <summary>Model caches: tokens stored, over all splits, and how fast they were computed and written.</summary>
    public long? Tokens { get; init; }
    public double? TokensPerSecond { get; init; }
}

/// <summary>A finished activation cache folder: its manifest info and where its shards are.</summary>
public sealed class ActivationCache
{
    ActivationCache(string dir, ActivationCacheInfo info)
    {
        Dir = dir;
        Info = info;
    }

    public string Dir { get; }
    public ActivationCacheInfo Info { get; }
    public int DIn => Info.DIn;

    public static ActivationCache Open(string dir, Manifest manifest)
    {
        if (manifest.Info is null) throw new PipelineException($"{dir}/manifest.json has no activation cache info", dir);
        var info = Json.Deserialize<ActivationCacheInfo>(manifest.Info, $"{dir}/manifest.json");
        return new ActivationCache(dir, info);
    }

    public IReadOnlyList<ShardInfo> Shards(string split) =>
        Info.Splits.TryGetValue(split, out var shards) ? shards
            : throw new PipelineException($"activation cache {Dir} has no '{split}' split (it has: {string.Join(", ", Info.Splits.Keys)})", Dir);

    public long Rows(string split) => Shards(split).Sum(s => s.Rows);

    public string PathOf(ShardInfo shard) => Path.Combine(Dir, shard.File);
}
