using System.Text.RegularExpressions;
using SaePipeline.Runtime;
using static TorchSharp.torch;

namespace SaePipeline.Models;

/// <summary>Opens a HuggingFace checkpoint folder as one of our architectures, chosen by config.json's model_type.</summary>
public static partial class ModelLoader
{
    public static readonly IReadOnlyList<string> Architectures = ["gpt2", "gpt_neox", "gemma2"];

    public static readonly IReadOnlyList<string> ComputeDtypes = ["float32", "bfloat16"];

    /// <summary>Reads the weights into memory, converted to <paramref name="dtype"/> on <paramref name="device"/>.</summary>
    public static LanguageModel Load(string folder, ScalarType dtype, Device device, Action<string>? warn = null)
    {
        var config = OpenConfig(folder);
        using var checkpoint = Checkpoint.Open(folder);
        var model = Build(config, new CheckpointWeights(checkpoint, dtype, device), dtype, device);
        WarnAboutUnread(checkpoint, model.Dims.Architecture, warn);
        return model;
    }

    /// <summary>Checks a folder (config, every tensor's name, shape and dtype) from headers alone; returns the model's sizes.</summary>
    public static (ModelDims Dims, long Parameters, IReadOnlyDictionary<string, int> StoredDtypes, IReadOnlyList<string> Files) Inspect(string folder, Action<string>? warn = null)
    {
        var config = OpenConfig(folder);
        using var checkpoint = Checkpoint.Open(folder);
        using var model = Build(config, new HeaderOnlyWeights(checkpoint), ScalarType.Float32, META);
        WarnAboutUnread(checkpoint, model.Dims.Architecture, warn);
        return (model.Dims, model.ParameterCount, checkpoint.DTypes, checkpoint.Files);
    }

    public static LanguageModel Build(HfConfig config, IWeightSource weights, ScalarType dtype, Device device)
    {
        if (dtype is not (ScalarType.Float32 or ScalarType.BFloat16))
            throw new PipelineException($"compute dtype {dtype} is not supported (use {string.Join(" or ", ComputeDtypes)})", config.Path);
        try
        {
            switch (config.ModelType)
            {
                case "gpt2":
                {
                    var c = Gpt2.Config.From(config);
                    return new Gpt2(c, Layers.Activation(c.Activation, config.Path), weights, dtype, device);
                }
                case "gpt_neox":
                {
                    var c = GptNeoX.Config.From(config);
                    return new GptNeoX(c, Layers.Activation(c.Activation, config.Path), weights, dtype, device);
                }
                case "gemma2":
                {
                    var c = Gemma2.Config.From(config);
                    return new Gemma2(c, Layers.Activation(c.Activation, config.Path), weights, dtype, device);
                }
                default:
                    throw new PipelineException(
                        $"{config.Path}: model_type '{config.ModelType}' is not supported (supported: {string.Join(", ", Architectures)})", config.Path);
            }
        }
        catch (ArgumentException e)
        {
            throw new PipelineException($"{config.Path}: {e.Message}", config.Path);
        }
    }

    public static ScalarType ParseDtype(string name, string origin) => name switch
    {
        "float32" => ScalarType.Float32,
        "bfloat16" => ScalarType.BFloat16,
        _ => throw new PipelineException($"compute dtype '{name}' is not supported (use {string.Join(" or ", ComputeDtypes)})", origin),
    };

    public static string DtypeName(ScalarType dtype) => dtype == ScalarType.BFloat16 ? "bfloat16" : dtype.ToString().ToLowerInvariant();

    static HfConfig OpenConfig(string folder)
    {
        if (!Directory.Exists(folder)) throw new PipelineException($"model folder {folder} does not exist", folder);
        return HfConfig.Read(folder);
    }

    /// <summary>
    /// Tensors HF itself skips on load: causal-mask and rotary buffers that older files saved, and a tied lm_head.
    /// Anything else left over is reported, because it usually means the checkpoint is not the architecture config.json
    /// claims.
    /// </summary>
    static void WarnAboutUnread(Checkpoint checkpoint, string architecture, Action<string>? warn)
    {
        var extra = checkpoint.Unread.Where(n => !IgnoredBuffer().IsMatch(n)).ToList();
        if (extra.Count > 0 && warn is not null)
            warn($"{checkpoint.Folder}: {extra.Count} tensors are not part of a {architecture} model and were ignored: " +
                 string.Join(", ", extra.Take(8)) + (extra.Count > 8 ? ", …" : ""));
    }

    [GeneratedRegex(@"(^|\.)(attn|attention)\.(masked_)?bias$|rotary_emb\.inv_freq$|^lm_head\.weight$")]
    private static partial Regex IgnoredBuffer();
}
