using SaePipeline.Artifacts;
using SaePipeline.Models.Prepare;
using SaePipeline.Models.Tokenizers;
using static TorchSharp.torch;

namespace SaePipeline.Models;

/// <summary>
/// A stage's language model (its <see cref="InputRole.Model"/> input, a PrepareModel folder) loaded with its tokenizer,
/// and the special tokens SAEBench masks from every statistic. Evaluations and the causal training objective open the
/// model the same way, so they mask the same positions.
/// </summary>
public sealed record LoadedModel(LanguageModel Model, ModelTokenizer Tokenizer, SpecialTokens Special, string Name) : IDisposable
{
    public static LoadedModel Open(StageContext context, Device device)
    {
        var (modelDir, _) = context.Input(InputRole.Model);
        var prepared = PreparedModel.Open(modelDir);
        var model = ModelLoader.Load(prepared.Source, ModelLoader.ParseDtype(prepared.Dtype, modelDir), device, w => context.Log($"WARN {w}"));
        var tokenizer = TokenizerLoader.Load(prepared.Source);
        return new LoadedModel(model, tokenizer, SpecialOf(tokenizer), prepared.Name ?? prepared.Source);
    }

    /// <summary>The ids masked from every statistic. As the caches do, a family without a pad token pads with EOS, or BOS
    /// (Pythia's &lt;|endoftext|&gt; is all three).</summary>
    public static SpecialTokens SpecialOf(ModelTokenizer tokenizer)
    {
        var s = tokenizer.Special;
        return new SpecialTokens(s.Bos, s.Eos, s.Pad ?? s.Eos ?? s.Bos);
    }

    public void Dispose() => Model.Dispose();
}
