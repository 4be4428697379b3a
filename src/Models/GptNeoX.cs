using static TorchSharp.torch.nn.functional;
using static TorchSharp.torch;

namespace SaePipeline.Models;

/// <summary>
/// GPT-NeoX, the Pythia architecture (HF <c>GPTNeoXForCausalLM</c>):
/// <code>
///   h = embed_in[ids]
///   per block (parallel residual):  h = h + dense(attn(input_layernorm(h))) + mlp(post_attention_layernorm(h))
///            (sequential when use_parallel_residual is false: h += attn(ln1(h)); h += mlp(ln2(h)))
///   attn: query_key_value(x) viewed [B, T, heads, 3·hd] → q, k, v per head (interleaved, not [all q | all k | all v]);
///         RoPE on the first rotary_pct·hd dims of q and k; causal softmax(q·kᵀ/√hd)·v
///   mlp:  dense_4h_to_h(gelu(dense_h_to_4h(x)))        (exact erf GELU for Pythia)
///   logits = final_layer_norm(h) · embed_outᵀ          (untied)
/// </code>
/// </summary>
public sealed class GptNeoX : LanguageModel
{
    public sealed record Config(int VocabSize, int DModel, int NLayers, int NHeads, int DMlp, double LayerNormEps, string Activation,
                                double RotaryPct, double RotaryBase, bool ParallelResidual, bool AttentionBias, bool TieWordEmbeddings)
    {
        public static Config From(HfConfig c)
        {
            if (c.Has("rope_scaling")) throw c.Error("rope_scaling is not supported (Pythia checkpoints have none)");
            return new Config(
                VocabSize: c.Int("vocab_size"),
                DModel: c.Int("hidden_size"),
                NLayers: c.Int("num_hidden_layers"),
                NHeads: c.Int("num_attention_heads"),
                DMlp: c.Int("intermediate_size"),
                LayerNormEps: c.OptionalDouble("layer_norm_eps") ?? 1e-5,
                Activation: c.String("gelu", "hidden_act")!,
                // Older files say rotary_pct / rotary_emb_base; transformers ≥ 4.45 writes partial_rotary_factor / rope_theta too.
                RotaryPct: c.OptionalDouble("rotary_pct", "partial_rotary_factor") ?? 0.25,
                RotaryBase: c.OptionalDouble("rotary_emb_base", "rope_theta") ?? 10000,
                ParallelResidual: c.OptionalBool("use_parallel_residual") ?? true,
                AttentionBias: c.OptionalBool("attention_bias") ?? true,
                TieWordEmbeddings: c.OptionalBool("tie_word_embeddings") ?? false);
        }
    }

    sealed record BlockWeights(Tensor Ln1W, Tensor Ln1B, Tensor QkvW, Tensor? QkvB, Tensor DenseW, Tensor? DenseB,
                               Tensor Ln2W, Tensor Ln2B, Tensor UpW, Tensor UpB, Tensor DownW, Tensor DownB);

    readonly Config config;
    readonly Func<Tensor, Tensor> activation;
    readonly Rotary rotary;
    readonly Tensor embedIn, lnFW, lnFB, embedOut;
    readonly BlockWeights[] blocks;

    public GptNeoX(Config config, Func<Tensor, Tensor> activation, IWeightSource w, ScalarType dtype, Device device) : base(w, dtype, device)
    {
        this.config = config;
        this.activation = activation;
        int d = config.DModel, v = config.VocabSize, f = config.DMlp;
        if (d % config.NHeads != 0) throw new ArgumentException($"hidden_size {d} is not a multiple of num_attention_heads {config.NHeads}");
        int hd = d / config.NHeads;
        rotary = new Rotary((int)(hd * config.RotaryPct), config.RotaryBase);
        embedIn = Weight("gpt_neox.embed_in.weight", v, d);
        blocks = Enumerable.Range(0, config.NLayers).Select(i =>
        {
            string b = $"gpt_neox.layers.{i}.";
            return new BlockWeights(
                Weight(b + "input_layernorm.weight", d), Weight(b + "input_layernorm.bias", d),
                Weight(b + "attention.query_key_value.weight", 3 * d, d),
                config.AttentionBias ? Weight(b + "attention.query_key_value.bias", 3 * d) : null,
                Weight(b + "attention.dense.weight", d, d), config.AttentionBias ? Weight(b + "attention.dense.bias", d) : null,
                Weight(b + "post_attention_layernorm.weight", d), Weight(b + "post_attention_layernorm.bias", d),
                Weight(b + "mlp.dense_h_to_4h.weight", f, d), Weight(b + "mlp.dense_h_to_4h.bias", f),
                Weight(b + "mlp.dense_4h_to_h.weight", d, f), Weight(b + "mlp.dense_4h_to_h.bias", d));
        }).ToArray();
        lnFW = Weight("gpt_neox.final_layer_norm.weight", d);
        lnFB = Weight("gpt_neox.final_layer_norm.bias", d);
        embedOut = config.TieWordEmbeddings ? embedIn : Weight("embed_out.weight", v, d);
        Dims = new ModelDims
        {
            Architecture = "gpt_neox", NLayers = config.NLayers, DModel = d, NHeads = config.NHeads, HeadDim = hd, DMlp = f, VocabSize = v,
        };
    }

    public override ModelDims Dims { get; }

    protected override Tensor Embed(Tensor ids) =>
        embedIn.index_select(0, ids.reshape(-1)).view(ids.shape[0], ids.shape[1], -1);

    protected override Tensor Block(int layer, Tensor x, AttentionMask mask, Func<HookKind, Tensor, Tensor> hook)
    {
        var w = blocks[layer];
        var attnOut = hook(HookKind.AttnOut, SelfAttention(Layers.LayerNorm(x, w.Ln1W, w.Ln1B, config.LayerNormEps), w, mask));
        if (config.ParallelResidual)
        {
            var mlpOut = hook(HookKind.MlpOut, Mlp(Layers.LayerNorm(x, w.Ln2W, w.Ln2B, config.LayerNormEps), w));
            return x + attnOut + mlpOut;
        }
        x = x + attnOut;
        return x + hook(HookKind.MlpOut, Mlp(Layers.LayerNorm(x, w.Ln2W, w.Ln2B, config.LayerNormEps), w));
    }

    Tensor SelfAttention(Tensor x, BlockWeights w, AttentionMask mask)
    {
        long b = x.shape[0], t = x.shape[1];
        int hd = Dims.HeadDim;
        var qkv = linear(x, w.QkvW, w.QkvB).view(b, t, config.NHeads, 3 * hd).permute(0, 2, 1, 3);   // [B, heads, T, 3·hd]
        var q = rotary.Apply(qkv[TensorIndex.Ellipsis, ..hd]);
        var k = rotary.Apply(qkv[TensorIndex.Ellipsis, hd..(2 * hd)]);
        var v = qkv[TensorIndex.Ellipsis, (2 * hd)..];
        var heads = Attention.Causal(q, k, v, mask, 1.0 / Math.Sqrt(hd));
        return linear(Attention.MergeHeads(heads), w.DenseW, w.DenseB);
    }

    Tensor Mlp(Tensor x, BlockWeights w) => linear(activation(linear(x, w.UpW, w.UpB)), w.DownW, w.DownB);

    protected override Tensor Unembed(Tensor x) =>
        linear(Layers.LayerNorm(x, lnFW, lnFB, config.LayerNormEps), embedOut);

    protected override void DisposeBuffers() => rotary.Clear();
}
