using SaePipeline.Artifacts;
using SaePipeline.Models;
using SaePipeline.Models.Prepare;
using SaePipeline.Models.Tokenizers;
using SaePipeline.Runtime;
using static TorchSharp.torch;

namespace SaePipeline.Evals.Core;

/// <summary>The language model a core stage reads (its "model" input), its tokenizer and the special tokens SAEBench masks.</summary>
public sealed record CoreModel(LanguageModel Model, ModelTokenizer Tokenizer, SpecialTokens Special, string Name) : IDisposable
{
    public static CoreModel Open(StageContext context, Device device)
    {
        var (modelDir, _) = context.Input("model");
        var prepared = PreparedModel.Open(modelDir);
        var model = ModelLoader.Load(prepared.Source, ModelLoader.ParseDtype(prepared.Dtype, modelDir), device, w => context.Log($"WARN {w}"));
        var tokenizer = TokenizerLoader.Load(prepared.Source);
        return new CoreModel(model, tokenizer, SpecialOf(tokenizer), prepared.Name ?? prepared.Source);
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
