namespace SaePipeline.Config;

public enum ModelDtype { Float32, Bfloat16 }

/// <summary>
/// The language model: a local HuggingFace checkpoint folder (config.json, model.safetensors or a sharded index,
/// tokenizer files). Nothing is downloaded. PrepareModel checks the folder and fingerprints it; later stages load it.
/// </summary>
public sealed record ModelConfig : IValidatedConfig
{
    /// <summary>The checkpoint folder, absolute or relative to pipeline.yaml.</summary>
    public required string Path { get; init; }

    /// <summary>
    /// Compute dtype for stages that run the model. SAEBench runs Pythia and GPT-2 in float32 and Gemma-2 in bfloat16
    /// (saebench-spec §0); weights stored in another dtype are converted on load.
    /// </summary>
    public ModelDtype Dtype { get; init; } = ModelDtype.Float32;

    /// <summary>The folder, resolved against the config file's folder.</summary>
    public string ResolvedPath(string baseDirectory) => System.IO.Path.GetFullPath(System.IO.Path.Combine(baseDirectory, Path));

    public void Validate(ConfigValidation v)
    {
        string folder = ResolvedPath(v.BaseDirectory);
        if (!Directory.Exists(folder))
            v.Error("path", $"model folder {folder} does not exist (models are local HuggingFace checkpoint folders; nothing is downloaded)", ConfigCodes.MissingFile);
        else if (!File.Exists(System.IO.Path.Combine(folder, "config.json")))
            v.Error("path", $"{folder} has no config.json, so it is not a HuggingFace checkpoint folder", ConfigCodes.MissingFile);
    }
}
