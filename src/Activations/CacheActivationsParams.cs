using System.Text.Json.Serialization;
using SaePipeline.Config;
using SaePipeline.Data;
using SaePipeline.Data.ProbeSets;
using SaePipeline.Runtime;

namespace SaePipeline.Activations;

/// <summary>Where a cache's rows come from.</summary>
public enum ActivationSource
{
    /// <summary>Planted ground-truth features, no model.</summary>
    Synthetic,

    /// <summary>A text corpus packed into rows (SAELens), run through the model: SAE training data.</summary>
    Corpus,

    /// <summary>A labelled data set, one right-padded row per text, run through the model: probes and evals.</summary>
    Labelled,

    /// <summary>Core evaluation's SAE-independent passes over packed corpus rows (Core/CoreReferenceCache.cs).</summary>
    CoreReference,
}

/// <summary>What CacheActivations reads from its spec.</summary>
public sealed record CacheActivationsParams
{
    public required ActivationSource Source { get; init; }

    /// <summary>The planted-feature source, with its seed resolved (Synthetic only).</summary>
    public SyntheticSourceConfig? Synthetic { get; init; }

    /// <summary>How the model is run and what is stored (Corpus and Labelled).</summary>
    public ModelCacheSettings? Model { get; init; }

    /// <summary>The text data set (Corpus and Labelled).</summary>
    public DatasetSpec? Dataset { get; init; }

    /// <summary>
    /// Labelled only: the rows an evaluation's probes use (SCR pairs, TPP classes). The cache then holds exactly those
    /// rows and writes their sets to probe_sets.json; without it, every row of both splits. Left out of the spec when
    /// absent, so caches planned before selections existed keep their fingerprints.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ProbeSelection? Selection { get; init; }

    /// <summary>CoreReference only: the token stream.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Core.CoreStreamSettings? Core { get; init; }

    /// <summary>Corpus only: tokens to cache from the training split and from the held-out split.</summary>
    public long NTokens { get; init; }
    public long NHeldoutTokens { get; init; }
}

/// <summary>The parts of pipeline.yaml's <c>activations</c> that change a cache's contents (or its file layout).</summary>
public sealed record ModelCacheSettings
{
    public required string Hook { get; init; }
    public required int Context { get; init; }
    public required ActivationDtype Dtype { get; init; }
    public required int BatchRows { get; init; }
    public required int RowsPerShard { get; init; }
    public required int RowsPerRowGroup { get; init; }
    public DeviceChoice Device { get; init; } = DeviceChoice.Auto;

    public string DtypeName => Dtype == ActivationDtype.Bfloat16 ? ActivationSchema.BFloat16 : ActivationSchema.Float32;
}
