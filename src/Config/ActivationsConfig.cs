namespace SaePipeline.Config;

public enum ActivationDtype { Float32, Bfloat16 }

/// <summary>
/// CacheActivations from the language model: which hook point, how text becomes rows, what is stored. The corpus is
/// packed like SAELens (documents back to back, each row of <c>context</c> tokens starting with BOS) and trains the
/// SAEs; each labelled data set is cached as right-padded rows (one per text) with its labels, for probes and evals.
/// </summary>
public sealed record ActivationsConfig : IValidatedConfig
{
    /// <summary>A TransformerLens hook name: blocks.L.hook_resid_pre|hook_resid_post|hook_attn_out|hook_mlp_out.</summary>
    public required string Hook { get; init; }

    /// <summary>Tokens per row, BOS included (SAEBench: 128).</summary>
    [Min(2)] public int Context { get; init; } = 128;

    /// <summary>
    /// Storage dtype of the activation vectors. bfloat16 halves the cache (stored as raw bf16 bytes, since Parquet has
    /// no bf16 type) and is what Gemma-2 computes in; readers widen it to float32.
    /// </summary>
    public ActivationDtype Dtype { get; init; } = ActivationDtype.Float32;

    /// <summary>The data set whose documents are packed into the SAE training rows (a text data set).</summary>
    public string Corpus { get; init; } = "mixed";

    /// <summary>Tokens (rows × context) of the corpus to cache for SAE training.</summary>
    [Min(1)] public long NTokens { get; init; } = 1_048_576;

    /// <summary>Tokens cached from the corpus's held-out split, for evaluations that need unseen activations.</summary>
    [Min(0)] public long NHeldoutTokens { get; init; } = 65_536;

    /// <summary>Labelled data sets cached as padded rows with their labels (train and test splits).</summary>
    public IReadOnlyList<string> Labelled { get; init; } = [];

    /// <summary>Rows per forward pass.</summary>
    [Min(1)] public int BatchRows { get; init; } = 32;

    /// <summary>Rows per Parquet file; bounds the size of one shard.</summary>
    [Min(1)] public int RowsPerShard { get; init; } = 262_144;

    /// <summary>Rows per Parquet row group (4–8 MB is the sweet spot for Parquet.Net, docs/dotnet-stack.md §5).</summary>
    [Min(1)] public int RowsPerRowGroup { get; init; } = 4096;

    public void Validate(ConfigValidation v)
    {
        if (!System.Text.RegularExpressions.Regex.IsMatch(Hook, @"^blocks\.\d+\.hook_(resid_pre|resid_post|attn_out|mlp_out)$"))
            v.Error("hook", $"'{Hook}' is not a hook point; use blocks.L.hook_resid_pre, hook_resid_post, hook_attn_out or hook_mlp_out");
        if (Labelled.Distinct().Count() != Labelled.Count)
            v.Error("labelled", "a data set is listed twice", ConfigCodes.DuplicateName);
        if (Labelled.Contains(Corpus))
            v.Error("labelled", $"'{Corpus}' is the corpus; a data set is cached either packed or labelled", ConfigCodes.Inconsistent);
    }
}
