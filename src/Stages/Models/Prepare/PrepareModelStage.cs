using System.Text.Json.Nodes;
using SaePipeline.Artifacts;
using SaePipeline.Config;
using SaePipeline.Models.Tokenizers;
using SaePipeline.Runtime;

namespace SaePipeline.Models.Prepare;

/// <summary>
/// PrepareModel for a local checkpoint folder: checks config.json, every tensor's presence, shape and dtype (from the
/// safetensors headers, without reading the weights) and the tokenizer, then writes model.json. The folder itself is
/// referenced, not copied.
/// </summary>
public static class PrepareModelStage
{
    public static void Run(StageContext context)
    {
        var p = context.Params<PrepareModelParams>();
        string fingerprint = ModelFolder.Fingerprint(p.Source);
        if (fingerprint != p.FolderFingerprint)
            throw new PipelineException($"model folder {p.Source} changed between planning and this stage; rerun the build", p.Source);

        var (dims, parameters, stored, files) = ModelLoader.Inspect(p.Source, warning => context.Log($"WARN {warning}"));
        context.Log($"{dims.Architecture}: {dims.NLayers} layers, d_model {dims.DModel}, {dims.NHeads} heads, d_mlp {dims.DMlp}, " +
                    $"vocab {dims.VocabSize}, {parameters / 1e6:F1} M parameters stored as {string.Join(", ", stored.Select(kv => $"{kv.Key}×{kv.Value}"))}");

        ModelTokenizer? tokenizer = null;
        try
        {
            tokenizer = TokenizerLoader.Load(p.Source);
            context.Log($"tokenizer: {tokenizer.Source}; bos {tokenizer.Special.Bos}, eos {tokenizer.Special.Eos}, pad {tokenizer.Special.Pad}");
        }
        catch (PipelineException e) when (e.Message.Contains("has no tokenizer", StringComparison.Ordinal))
        {
            context.Log($"WARN {e.Message}; only token ids can be fed to this model");
        }

        if (tokenizer is not null && tokenizer.MaxId >= dims.VocabSize)
            throw new PipelineException(
                $"{p.Source}: the tokenizer ({tokenizer.Source}) produces ids up to {tokenizer.MaxId}, but the model's vocabulary has {dims.VocabSize} entries; the tokenizer belongs to another model", p.Source);

        var model = new PreparedModel
        {
            Source = p.Source,
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
        context.Commit((JsonObject)Json.ToNode(new { dims.Architecture, dims.NLayers, dims.DModel, dims.VocabSize, model.Parameters, model.Dtype, model.StoredDtypes }));
    }
}
