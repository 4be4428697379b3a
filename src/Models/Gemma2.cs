using static TorchSharp.torch.nn.functional;
using static TorchSharp.torch;

namespace SaePipeline.Models;

/// <summary>
/// Gemma-2 (HF <c>Gemma2ForCausalLM</c>, as fixed in transformers ≥ 4.42.4):
/// <code>
///   h = embed_tokens[ids] · √d_model                      (the scalar rounded to the compute dtype)
///   per block:  h += post_attention_layernorm(attn(input_layernorm(h)))
///               h += post_feedforward_layernorm(mlp(pre_feedforward_layernorm(h)))
///   RMSNorm(x) = x·rsqrt(mean(x²) + eps)·(1 + w), in float32
///   attn: q, k, v projections (grouped-query: q head i reads kv head i / (heads / kv_heads)); RoPE on the whole head;
///         scores = q·kᵀ · query_pre_attn_scalar^-½; scores = tanh(scores / cap)·cap; causal mask, and on even layers
///         a sliding window (key j visible to query i iff i − window &lt; j ≤ i); softmax in float32; o_proj
///   mlp:  down(gelu_tanh(gate(x)) · up(x))
///   logits = tanh(norm(h)·embed_tokensᵀ / final_cap)·final_cap    (tied)
/// </code>
/// </summary>
public sealed class Gemma2 : LanguageModel
{
    public sealed record Config(int VocabSize, int DModel, int NLayers, int NHeads, int NKvHeads, int HeadDim, int DMlp, double RmsNormEps,
                                string Activation, double RopeTheta, double QueryPreAttnScalar, int? SlidingWindow,
                                double? AttnLogitSoftcap, double? FinalLogitSoftcap, bool TieWordEmbeddings)
    {
        public static Config From(HfConfig c)
        {
            if (c.Has("rope_scaling")) throw c.Error("rope_scaling is not supported (Gemma-2 checkpoints have none)");
            int heads = c.Int("num_attention_heads");
            return new Config(
                VocabSize: c.Int("vocab_size"),
                DModel: c.Int("hidden_size"),
                NLayers: c.Int("num_hidden_layers"),
                NHeads: heads,
                NKvHeads: c.OptionalInt("num_key_value_heads") ?? heads,
                HeadDim: c.OptionalInt("head_dim") ?? 256,
                DMlp: c.Int("intermediate_size"),
                RmsNormEps: c.OptionalDouble("rms_norm_eps") ?? 1e-6,
                // Gemma2MLP reads hidden_activation; hub configs often carry hidden_act as well (the same value).
                Activation: c.String("gelu_pytorch_tanh", "hidden_activation", "hidden_act")!,
                RopeTheta: c.OptionalDouble("rope_theta") ?? 10000,
                QueryPreAttnScalar: c.OptionalDouble("query_pre_attn_scalar") ?? 256,
                SlidingWindow: c.ContainsKey("sliding_window") ? c.OptionalInt("sliding_window") : 4096,
                // null in config.json switches the softcaps off.
                AttnLogitSoftcap: c.DoubleOrNull("attn_logit_softcapping", whenAbsent: 50.0),
                FinalLogitSoftcap: c.DoubleOrNull("final_logit_softcapping", whenAbsent: 30.0),
                TieWordEmbeddings: c.OptionalBool("tie_word_embeddings") ?? true);
        }
    }

    sealed record BlockWeights(Tensor InputNorm, Tensor Q, Tensor K, Tensor V, Tensor O, Tensor PostAttnNorm,
                               Tensor PreMlpNorm, Tensor Gate, Tensor Up, Tensor Down, Tensor PostMlpNorm);

    readonly Config config;
    readonly Func<Tensor, Tensor> activation;
    readonly Rotary rotary;
    readonly Tensor embed, finalNorm, embedScale;
    readonly BlockWeights[] blocks;

    public Gemma2(Config config, Func<Tensor, Tensor> activation, IWeightSource w, ScalarType dtype, Device device) : base(w, dtype, device)
    {
        this.config = config;
        this.activation = activation;
        int d = config.DModel, v = config.VocabSize, f = config.DMlp, hd = config.HeadDim;
        int qd = config.NHeads * hd, kvd = config.NKvHeads * hd;
        if (!config.TieWordEmbeddings) throw new ArgumentException("Gemma-2 ties its unembedding to embed_tokens; tie_word_embeddings: false is not supported");
        if (config.NHeads % config.NKvHeads != 0)
            throw new ArgumentException($"num_attention_heads {config.NHeads} is not a multiple of num_key_value_heads {config.NKvHeads}");
        rotary = new Rotary(hd, config.RopeTheta);
        embed = Weight("model.embed_tokens.weight", v, d);
        blocks = Enumerable.Range(0, config.NLayers).Select(i =>
        {
            string b = $"model.layers.{i}.";
            return new BlockWeights(
                Weight(b + "input_layernorm.weight", d),
                Weight(b + "self_attn.q_proj.weight", qd, d), Weight(b + "self_attn.k_proj.weight", kvd, d),
                Weight(b + "self_attn.v_proj.weight", kvd, d), Weight(b + "self_attn.o_proj.weight", d, qd),
                Weight(b + "post_attention_layernorm.weight", d),
                Weight(b + "pre_feedforward_layernorm.weight", d),
                Weight(b + "mlp.gate_proj.weight", f, d), Weight(b + "mlp.up_proj.weight", f, d), Weight(b + "mlp.down_proj.weight", d, f),
                Weight(b + "post_feedforward_layernorm.weight", d));
        }).ToArray();
        finalNorm = Weight("model.norm.weight", d);
        // HF multiplies by torch.tensor(√d, dtype=compute dtype): the rounded scalar, which matters in bfloat16.
        embedScale = tensor(Math.Sqrt(d), ScalarType.Float32).to(dtype, device);
        Dims = new ModelDims
        {
            Architecture = "gemma2", NLayers = config.NLayers, DModel = d, NHeads = config.NHeads, HeadDim = hd, DMlp = f, VocabSize = v,
        };
    }

    public override ModelDims Dims { get; }

    /// <summary>Layer i is local (sliding window) when i is even, global when odd.</summary>
    public bool IsSliding(int layer) => layer % 2 == 0 && config.SlidingWindow is not null;

    protected override Tensor Embed(Tensor ids) =>
        embed.index_select(0, ids.reshape(-1)).view(ids.shape[0], ids.shape[1], -1).mul(embedScale);

    protected override Tensor Block(int layer, Tensor x, AttentionMask mask, Func<HookKind, Tensor, Tensor> hook)
    {
        var w = blocks[layer];
        double eps = config.RmsNormEps;
        var attn = SelfAttention(layer, Layers.GemmaRmsNorm(x, w.InputNorm, eps), w, mask);
        x = x + hook(HookKind.AttnOut, Layers.GemmaRmsNorm(attn, w.PostAttnNorm, eps));
        var h = Layers.GemmaRmsNorm(x, w.PreMlpNorm, eps);
        var mlp = linear(activation(linear(h, w.Gate)) * linear(h, w.Up), w.Down);
        return x + hook(HookKind.MlpOut, Layers.GemmaRmsNorm(mlp, w.PostMlpNorm, eps));
    }

    Tensor SelfAttention(int layer, Tensor x, BlockWeights w, AttentionMask mask)
    {
        int groups = config.NHeads / config.NKvHeads;
        var q = rotary.Apply(Attention.SplitHeads(linear(x, w.Q), config.NHeads));
        var k = rotary.Apply(Attention.SplitHeads(linear(x, w.K), config.NKvHeads));
        var v = Attention.SplitHeads(linear(x, w.V), config.NKvHeads);
        if (groups > 1)
        {
            k = k.repeat_interleave(groups, dim: 1);
            v = v.repeat_interleave(groups, dim: 1);
        }
        var heads = Attention.Causal(q, k, v, mask, Math.Pow(config.QueryPreAttnScalar, -0.5), config.AttnLogitSoftcap,
                                     IsSliding(layer) ? config.SlidingWindow : null);
        return linear(Attention.MergeHeads(heads), w.O);
    }

    protected override Tensor Unembed(Tensor x)
    {
        var logits = linear(Layers.GemmaRmsNorm(x, finalNorm, config.RmsNormEps), embed);
        return config.FinalLogitSoftcap is double cap ? logits.div(cap).tanh().mul(cap) : logits;
    }

    protected override void DisposeBuffers()
    {
        rotary.Clear();
        embedScale.Dispose();
    }
}
