namespace SaePipeline.Config;

public enum ModelDtype { Float32, Bfloat16 }

/// <summary>
/// The language model: a local HuggingFace checkpoint folder (config.json, model.safetensors or a sharded index,
/// tokenizer files), or a built-in model that PrepareModel pretrains on the built-in corpus and saves as such a
/// folder. Nothing is downloaded. <c>model: builtin:tiny</c> is short for <c>model: {builtin: tiny}</c>, and
/// <c>model: ../pythia-70m</c> for <c>model: {path: ../pythia-70m}</c>.
/// </summary>
public sealed record ModelConfig : IValidatedConfig, IScalarShorthand
{
    public const string BuiltinPrefix = "builtin:";

    /// <summary>The checkpoint folder, absolute or relative to pipeline.yaml.</summary>
    public string? Path { get; init; }

    /// <summary>A built-in model preset (see BuiltinModels.cs): "tiny", or "micro" for smoke tests.</summary>
    public string? Builtin { get; init; }

    /// <summary>Seed of a built-in model's corpus, tokenizer and training; defaults to the pipeline's seed.</summary>
    [Min(0)] public long? Seed { get; init; }

    /// <summary>
    /// A built-in model's planted spelling: the norm of the first-letter direction added to each word token's input
    /// embedding before pretraining (Models/Builtin/PlantedSpelling.cs), so that first-letter absorption has something to
    /// find. Defaults to the preset's (tiny 1, micro 0); 0 plants none, the built-in model as it was before absorption
    /// existed (experiments/*.yaml pin that so their published numbers reproduce).
    /// </summary>
    [Min(0)] public double? Spelling { get; init; }

    /// <summary>
    /// Compute dtype for stages that run the model. SAEBench runs Pythia and GPT-2 in float32 and Gemma-2 in bfloat16
    /// (docs/saebench.md §0); weights stored in another dtype are converted on load. A built-in model trains in float32.
    /// </summary>
    public ModelDtype Dtype { get; init; } = ModelDtype.Float32;

    public (string Key, string Value) Expand(string scalar) =>
        scalar.StartsWith(BuiltinPrefix, StringComparison.Ordinal) ? ("builtin", scalar[BuiltinPrefix.Length..]) : ("path", scalar);

    /// <summary>The folder, resolved against the config file's folder.</summary>
    public string ResolvedPath(string baseDirectory) => System.IO.Path.GetFullPath(System.IO.Path.Combine(baseDirectory, Path!));

    public void Validate(ConfigValidation v)
    {
        if ((Path is null) == (Builtin is null))
        {
            v.Error(Path is null ? "builtin" : "path", "a model is either a checkpoint folder (path: …) or a built-in preset (builtin: …), not both and not neither", ConfigCodes.Inconsistent);
            return;
        }
        if (Builtin is not null)
        {
            if (BuiltinModels.Find(Builtin) is null)
                v.Error("builtin", $"unknown built-in model '{Builtin}'; available: {string.Join(", ", BuiltinModels.Names)}");
            return;
        }
        if (v.Has("seed")) v.Error("seed", "seed applies only to a built-in model, which PrepareModel trains", ConfigCodes.Inconsistent);
        if (v.Has("spelling")) v.Error("spelling", "spelling is planted only in a built-in model, which PrepareModel trains; a checkpoint knows what it knows", ConfigCodes.Inconsistent);
        string folder = ResolvedPath(v.BaseDirectory);
        if (!Directory.Exists(folder))
            v.Error("path", $"model folder {folder} does not exist (models are local HuggingFace checkpoint folders; nothing is downloaded)", ConfigCodes.MissingFile);
        else if (!File.Exists(System.IO.Path.Combine(folder, "config.json")))
            v.Error("path", $"{folder} has no config.json, so it is not a HuggingFace checkpoint folder", ConfigCodes.MissingFile);
    }
}
