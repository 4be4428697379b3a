using SaePipeline.Models;
using SaePipeline.Runtime;
using YamlDotNet.RepresentationModel;

namespace SaePipeline.Config;

/// <summary>
/// What the config says of the model's shape without running anything: the built-in model's table, or a checkpoint's
/// config.json. Lets the loader check what depends on it (the hook's layer, an SAE's memory) before planning.
/// </summary>
static class ModelShape
{
    /// <summary>The SAEs' input width: synthetic.d_in, or the model's d_model.</summary>
    public static int? DIn(PipelineConfig c, string baseDir) =>
        c.Synthetic is { } s ? s.DIn : Read(c, baseDir)?.DModel;

    /// <summary>A hook on a layer the model does not have is reported at <c>activations.hook</c>, not by the cache stage.</summary>
    public static void CheckHook(PipelineConfig config, YamlMappingNode root, ConfigBinder binder)
    {
        if (config.Activations is not { } a || Read(config, binder.BaseDirectory) is not { } shape) return;
        if (!root.Children.TryGetValue(new YamlScalarNode("activations"), out var node) || node is not YamlMappingNode activations) return;
        try
        {
            HookPoint.Parse(a.Hook, shape.NLayers);
        }
        catch (PipelineException e)
        {
            new YamlConfigValidation(binder, activations, "activations").Error("hook", e.Message, ConfigCodes.OutOfRange);
        }
    }

    static (int DModel, int NLayers)? Read(PipelineConfig c, string baseDir)
    {
        if (c.Model?.Builtin is { } preset)
            return BuiltinModels.Find(preset) is { } spec ? (spec.DModel, spec.NLayers) : null;
        if (c.Model?.Path is null) return null;
        try
        {
            var hf = HfConfig.Read(c.Model.ResolvedPath(baseDir));
            return (hf.Int("hidden_size", "n_embd", "d_model"), hf.Int("num_hidden_layers", "n_layer"));
        }
        catch (PipelineException)
        {
            return null;   // the model's own check reports a missing or broken checkpoint
        }
    }
}
