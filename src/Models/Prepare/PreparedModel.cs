using SaePipeline.Runtime;

namespace SaePipeline.Models.Prepare;

/// <summary>
/// <c>model.json</c>, what PrepareModel records about a checkpoint and what later stages read to find and open it.
/// A local folder is used in place, not copied (a Gemma-2-2B checkpoint is 10 GB), so <see cref="Open"/> re-checks
/// its fingerprint: a folder changed after PrepareModel ran is an error, not silently different results.
/// </summary>
public sealed record PreparedModel
{
    public const string FileName = "model.json";

    /// <summary>The checkpoint folder: absolute for a user's folder, relative to the PrepareModel output for a built-in model.</summary>
    public required string Source { get; init; }

    /// <summary>What SAELens calls model_name: "builtin:tiny", or the checkpoint folder's name (e.g. "pythia-70m").</summary>
    public string? Name { get; init; }
    public required string FolderFingerprint { get; init; }
    /// <summary>Architecture and sizes, as config.json gives them.</summary>
    public required ModelDims Dims { get; init; }

    public required long Parameters { get; init; }

    /// <summary>Stored weight dtypes and how many tensors have each (e.g. {"F32": 148}).</summary>
    public required IReadOnlyDictionary<string, int> StoredDtypes { get; init; }

    /// <summary>The compute dtype later stages run the model in.</summary>
    public required string Dtype { get; init; }

    public required IReadOnlyList<string> WeightFiles { get; init; }
    public required string HookPoints { get; init; }

    /// <summary>Where the tokenizer comes from, or null when the folder has none (then only token ids can be fed).</summary>
    public string? Tokenizer { get; init; }
    public int? BosTokenId { get; init; }
    public int? EosTokenId { get; init; }
    public int? PadTokenId { get; init; }

    /// <summary>
    /// Reads model.json from a PrepareModel output folder and checks the checkpoint folder is unchanged. The result's
    /// <see cref="Source"/> is absolute.
    /// </summary>
    public static PreparedModel Open(string preparedDir)
    {
        string path = Path.Combine(preparedDir, FileName);
        var model = Json.ReadFile<PreparedModel>(path);
        model = model with { Source = Path.GetFullPath(Path.Combine(preparedDir, model.Source)) };
        if (!Directory.Exists(model.Source))
            throw new PipelineException($"model folder {model.Source} (prepared in {preparedDir}) no longer exists", model.Source);
        if (ContentFingerprint.Folder(model.Source) != model.FolderFingerprint)
            throw new PipelineException($"model folder {model.Source} changed after PrepareModel checked it; rerun the build", model.Source);
        return model;
    }
}
