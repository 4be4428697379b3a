using SaePipeline.Runtime;
using static TorchSharp.torch;

namespace SaePipeline.Models;

/// <summary>The sizes the rest of the pipeline needs to know about a model, whatever its architecture.</summary>
public sealed record ModelDims
{
    /// <summary>HF <c>model_type</c>: gpt2, gpt_neox or gemma2.</summary>
    public required string Architecture { get; init; }
    public required int NLayers { get; init; }
    public required int DModel { get; init; }
    public required int NHeads { get; init; }
    public required int HeadDim { get; init; }
    public required int DMlp { get; init; }
    public required int VocabSize { get; init; }

    /// <summary>The longest sequence the model accepts (GPT-2's learned positions), or null when positions are rotary.</summary>
    public int? MaxPositions { get; init; }
}

/// <summary>
/// A decoder-only transformer: embed, blocks, final norm, unembed. Each architecture supplies those four steps in
/// its own file; this class runs them, applies TransformerLens-style hook points between them, and stops after the
/// last block anything asked for. Weights are plain tensors registered under their HuggingFace names, which is how
/// checkpoints are read and written.
/// </summary>
public abstract class LanguageModel : IDisposable
{
    readonly IWeightSource source;
    readonly List<(string Name, Tensor Tensor)> weights = [];

    protected LanguageModel(IWeightSource source, ScalarType dtype, Device device)
    {
        this.source = source;
        Dtype = dtype;
        Device = device;
    }

    public abstract ModelDims Dims { get; }

    /// <summary>The compute dtype (float32 or bfloat16).</summary>
    public ScalarType Dtype { get; }

    public Device Device { get; }

    /// <summary>Every weight under its HuggingFace name (tied weights once).</summary>
    public IReadOnlyList<(string Name, Tensor Tensor)> Weights => weights;

    public long ParameterCount => weights.Sum(w => w.Tensor.numel());

    public IEnumerable<string> HookNames => HookPoint.All(Dims.NLayers).Select(h => h.Name);

    /// <summary>Registers a weight; architectures call this from their constructors.</summary>
    protected Tensor Weight(string name, params long[] shape)
    {
        var t = source.Get(name, shape);
        weights.Add((name, t));
        return t;
    }

    protected bool SourceHas(string name) => source.Contains(name);

    /// <summary>Token embeddings (+ learned positions where the architecture has them), [B, T] → [B, T, d_model].</summary>
    protected abstract Tensor Embed(Tensor inputIds);

    /// <summary>
    /// Block <paramref name="layer"/>: resid_pre → resid_post. Implementations pass what the attention and the MLP add to
    /// the residual stream through <paramref name="hook"/> (HookKind.AttnOut, HookKind.MlpOut) and use its result.
    /// </summary>
    protected abstract Tensor Block(int layer, Tensor residPre, AttentionMask mask, Func<HookKind, Tensor, Tensor> hook);

    /// <summary>Final norm and unembedding (and Gemma-2's logit softcap), [B, T, d_model] → [B, T, V] in the compute dtype.</summary>
    protected abstract Tensor Unembed(Tensor residual);

    /// <summary>
    /// One forward pass over right-padded token ids [B, T] (attention mask: 1 = token, 0 = padding, or null for none).
    /// Gradients flow if the caller has them enabled (the weights themselves never require grad).
    /// </summary>
    public ForwardResult Forward(Tensor inputIds, Tensor? attentionMask, ForwardRequest request) => Run(inputIds, attentionMask, request, null, null);

    /// <summary>
    /// The rest of a forward pass, resumed at a residual-stream hook point (<c>hook_resid_pre</c> or <c>hook_resid_post</c>)
    /// from the activation a full pass computed there ([B, T, d_model], e.g. read back from a cache). Replacements and
    /// captures at that point and later apply as in <see cref="Forward"/>, and the result is the one a full pass would
    /// give, bit for bit on the same device: the same operations run on the same values. Core evaluation uses it to
    /// splice an SAE into cached activations without recomputing the layers before the hook.
    /// </summary>
    public ForwardResult ForwardFrom(string hookName, Tensor activation, Tensor inputIds, ForwardRequest request)
    {
        var start = HookPoint.Parse(hookName, Dims.NLayers);
        if (start.Kind is not (HookKind.ResidPre or HookKind.ResidPost))
            throw new PipelineException($"a forward pass can resume only at a residual-stream hook point, not {hookName}", "forward");
        if (request.StopAtLayer is not null) throw new PipelineException("a resumed forward pass runs to the output; StopAtLayer does not apply", "forward");
        return Run(inputIds, null, request, start, activation);
    }

    ForwardResult Run(Tensor inputIds, Tensor? attentionMask, ForwardRequest request, HookPoint? start, Tensor? startActivation)
    {
        var dims = Dims;
        if (inputIds.dim() != 2) throw new PipelineException($"input ids must be [batch, positions], got [{string.Join(", ", inputIds.shape)}]", "forward");
        if (dims.MaxPositions is int max && inputIds.shape[1] > max)
            throw new PipelineException($"{inputIds.shape[1]} positions exceed this {dims.Architecture} model's {max}", "forward");
        var captures = request.Capture.Select(n => HookPoint.Parse(n, dims.NLayers)).ToHashSet();
        var replacements = request.Replace.ToDictionary(kv => HookPoint.Parse(kv.Key, dims.NLayers), kv => kv.Value);
        bool wantsOutput = request.Logits || request.Loss;
        if (request.StopAtLayer is int stop && (wantsOutput || stop < 0 || stop >= dims.NLayers))
            throw new PipelineException(wantsOutput
                ? "StopAtLayer cannot be combined with logits or loss"
                : $"StopAtLayer {stop} is not a layer of this {dims.NLayers}-layer model", "forward");
        var hooked = captures.Concat(replacements.Keys).ToList();
        if (start is { } from && hooked.Where(h => h.Layer < from.Layer || (h.Layer == from.Layer && h.Kind != from.Kind && from.Kind == HookKind.ResidPost))
                                       .Select(h => h.Name).FirstOrDefault() is string early)
            throw new PipelineException($"hook point {early} lies before {from.Name}, where this pass resumes", "forward");
        if (!wantsOutput && hooked.Count == 0) throw new PipelineException("a forward pass must ask for logits, the loss or a hook point", "forward");
        int last = request.StopAtLayer ?? (wantsOutput ? dims.NLayers - 1 : hooked.Max(h => h.Layer));
        if (request.StopAtLayer is not null && hooked.Where(h => h.Layer > last).Select(h => h.Name).FirstOrDefault() is string beyond)
            throw new PipelineException($"hook point {beyond} lies past StopAtLayer {last}", "forward");

        using var scope = NewDisposeScope();
        var ids = inputIds.to(ScalarType.Int64, Device);
        long lo = ids.min().item<long>(), hi = ids.max().item<long>();
        if (lo < 0 || hi >= dims.VocabSize)
            throw new PipelineException($"token id {(lo < 0 ? lo : hi)} is outside this model's vocabulary [0, {dims.VocabSize})", "forward");
        var mask = AttentionMask.For(ids, attentionMask, Device);
        var activations = new Dictionary<string, Tensor>();

        Tensor Hook(int layer, HookKind kind, Tensor x)
        {
            var point = new HookPoint(layer, kind);
            if (replacements.TryGetValue(point, out var replacement)) x = replacement.Apply(x);
            if (captures.Contains(point)) activations[point.Name] = x;
            return x;
        }

        Tensor residual;
        int first = 0;
        if (start is { } resume)
        {
            var expected = new long[] { ids.shape[0], ids.shape[1], dims.DModel };
            if (!startActivation!.shape.SequenceEqual(expected))
                throw new PipelineException($"the activation to resume from has shape [{string.Join(", ", startActivation.shape)}], expected [{string.Join(", ", expected)}]", "forward");
            residual = startActivation.to(Dtype, Device);
            first = resume.Layer;
            if (resume.Kind == HookKind.ResidPost)
            {
                residual = Hook(first, HookKind.ResidPost, residual);
                first++;
            }
        }
        else residual = Embed(ids);
        for (int layer = first; layer <= last; layer++)
        {
            residual = Hook(layer, HookKind.ResidPre, residual);
            int l = layer;
            residual = Block(layer, residual, mask, (kind, x) => Hook(l, kind, x));
            residual = Hook(layer, HookKind.ResidPost, residual);
        }

        Tensor? logits = null, tokenLoss = null, lossMask = null;
        if (wantsOutput)
        {
            var raw = Unembed(residual).to(ScalarType.Float32);
            if (request.Loss) (tokenLoss, lossMask) = NextTokenLoss(raw, ids, mask);
            if (request.Logits) logits = raw;
        }
        return new ForwardResult
        {
            Logits = logits?.MoveToOuterDisposeScope(),
            TokenLoss = tokenLoss?.MoveToOuterDisposeScope(),
            LossMask = lossMask?.MoveToOuterDisposeScope(),
            Activations = activations.ToDictionary(kv => kv.Key, kv => kv.Value.MoveToOuterDisposeScope()),
        };
    }

    /// <summary>
    /// Logits [B, T, V] float32 of the last block's output (<c>blocks.{last}.hook_resid_post</c>, captured by an earlier
    /// pass): the final norm and unembedding exactly as <see cref="Forward"/> applies them, so a stored final residual
    /// gives back the pass's logits bit for bit at a d_model/V fraction of their size.
    /// </summary>
    public Tensor LogitsOf(Tensor finalResidual)
    {
        using var scope = NewDisposeScope();
        return Unembed(finalResidual.to(Dtype, Device)).to(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <summary>The hook point holding the last block's output, whose activation <see cref="LogitsOf"/> turns into logits.</summary>
    public string FinalResidualHook => new HookPoint(Dims.NLayers - 1, HookKind.ResidPost).Name;

    /// <summary>CE of logits[:, t] against ids[:, t+1]; targets that are padding are zeroed and marked false.</summary>
    static (Tensor Loss, Tensor Mask) NextTokenLoss(Tensor logits, Tensor ids, AttentionMask mask)
    {
        var logProbs = logits[.., ..^1].log_softmax(-1);
        var targets = ids[.., 1..];
        var loss = logProbs.gather(-1, targets.unsqueeze(-1)).squeeze(-1).neg();
        var valid = mask.RealTokens is null ? ones_like(targets, ScalarType.Bool) : mask.RealTokens[.., 1..];
        return (loss.masked_fill(valid.logical_not(), 0), valid.clone());
    }

    public void Dispose()
    {
        foreach (var (_, t) in weights) t.Dispose();
        weights.Clear();
        DisposeBuffers();
        GC.SuppressFinalize(this);
    }

    /// <summary>Frees caches an architecture keeps besides its weights (rotary tables).</summary>
    protected virtual void DisposeBuffers() { }
}
