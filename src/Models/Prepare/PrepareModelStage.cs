using System.Text.Json.Nodes;
using SaePipeline.Artifacts;
using SaePipeline.Config;
using SaePipeline.Models.Builtin;
using SaePipeline.Models.Tokenizers;
using SaePipeline.Runtime;

namespace SaePipeline.Models.Prepare;

/// <summary>
/// PrepareModel. For a local checkpoint folder: checks config.json, every tensor's presence, shape and dtype (from the
/// safetensors headers, without reading the weights) and the tokenizer, then writes model.json; the folder itself is
/// referenced, not copied. For a built-in model: pretrains it into <c>hf/</c> of the output folder first
/// (<see cref="BuiltinModelBuilder"/>), then checks that folder the same way.
/// </summary>
public static class PrepareModelStage
{
    /// <summary>Where a built-in model's HuggingFace folder lives inside the PrepareModel output.</summary>
    public const string BuiltinFolder = "hf";

    public static void Run(StageContext context)
    {
        var p = context.Params<PrepareModelParams>();
        BuiltinModelReport? built = null;
        string folder, recordedSource;
        if (p.Builtin is { } spec)
        {
            folder = Path.Combine(context.OutputDir, BuiltinFolder);
            recordedSource = BuiltinFolder;   // relative: the output folder is renamed into place after this stage
            long seed = p.Seed ?? throw new PipelineException("the built-in model's seed was not resolved by the planner", context.Spec.Id);
            context.Log($"pretraining built-in model '{spec.Name}' (seed {seed}) on the built-in '{BuiltinModelBuilder.Corpus}' corpus");
            built = BuiltinModelBuilder.Build(spec, seed, folder, TorchRuntime.Resolve(p.Device), context.Log, context.Label);
        }
        else
        {
            folder = recordedSource = p.Source ?? throw new PipelineException("PrepareModel needs a model folder or a built-in preset", context.Spec.Id);
            if (ContentFingerprint.Folder(folder) != p.FolderFingerprint)
                throw new PipelineException($"model folder {folder} changed between planning and this stage; rerun the build", folder);
        }
        string fingerprint = ContentFingerprint.Folder(folder);

        var (dims, parameters, stored, files) = ModelLoader.Inspect(folder, warning => context.Log($"WARN {warning}"));
        context.Log($"{dims.Architecture}: {dims.NLayers} layers, d_model {dims.DModel}, {dims.NHeads} heads, d_mlp {dims.DMlp}, " +
                    $"vocab {dims.VocabSize}, {parameters / 1e6:F1} M parameters stored as {string.Join(", ", stored.Select(kv => $"{kv.Key}×{kv.Value}"))}");

        ModelTokenizer? tokenizer = null;
        try
        {
            tokenizer = TokenizerLoader.Load(folder);
            context.Log($"tokenizer: {tokenizer.Source}; bos {tokenizer.Special.Bos}, eos {tokenizer.Special.Eos}, pad {tokenizer.Special.Pad}");
        }
        catch (PipelineException e) when (e.Message.Contains("has no tokenizer", StringComparison.Ordinal))
        {
            context.Log($"WARN {e.Message}; only token ids can be fed to this model");
        }

        if (tokenizer is not null && tokenizer.MaxId >= dims.VocabSize)
            throw new PipelineException(
                $"{folder}: the tokenizer ({tokenizer.Source}) produces ids up to {tokenizer.MaxId}, but the model's vocabulary has {dims.VocabSize} entries; the tokenizer belongs to another model", folder);

        var model = new PreparedModel
        {
            Source = recordedSource,
            Name = p.Builtin is { } b ? $"{ModelConfig.BuiltinPrefix}{b.Name}" : Path.GetFileName(Path.TrimEndingDirectorySeparator(folder)),
            FolderFingerprint = fingerprint,
            Dims = dims,
            Parameters = parameters,
            StoredDtypes = stored,
            Dtype = p.Dtype == ModelDtype.Bfloat16 ? "bfloat16" : "float32",
            WeightFiles = files,
            HookPoints = HookPoint.Describe(dims.NLayers),
            Tokenizer = tokenizer?.Source,
            BosTokenId = tokenizer?.Special.Bos,
            EosTokenId = tokenizer?.Special.Eos,
            PadTokenId = tokenizer?.Special.Pad,
        };
        AtomicFile.WriteAllText(Path.Combine(context.OutputDir, PreparedModel.FileName), Json.Serialize(model));
        var info = (JsonObject)Json.ToNode(new { dims.Architecture, dims.NLayers, dims.DModel, dims.VocabSize, model.Parameters, model.Dtype, model.StoredDtypes });
        if (built is not null) info["builtin"] = Json.ToNode(built);
        context.Commit(info);
    }
}
