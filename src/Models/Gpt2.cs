using static TorchSharp.torch;

namespace SaePipeline.Models;

/// <summary>
/// GPT-2 (HF <c>GPT2LMHeadModel</c>):
/// <code>
///   h = wte[ids] + wpe[0..T-1]
///   per block:  h += attn(ln_1(h));  h += mlp(ln_2(h))
///   attn: q, k, v = split(c_attn(x), H); heads; causal softmax(q·kᵀ/√hd)·v; c_proj
///   mlp:  c_proj(gelu_new(c_fc(x)))
///   logits = ln_f(h) · wteᵀ            (tied, unless the checkpoint has its own lm_head and says so)
/// </code>
/// GPT-2 stores its projections as Conv1D, [in, out], so y = x·W + b (not Wᵀ). Hub files saved from GPT2Model lack the
/// "transformer." prefix and carry causal-mask buffers (attn.bias, attn.masked_bias); both layouts load.
/// </summary>
public sealed class Gpt2 : LanguageModel
{
    public sealed record Config(int VocabSize, int NPositions, int DModel, int NLayers, int NHeads, int DMlp, double LayerNormEps,
                                string Activation, bool ScaleAttnWeights, bool ScaleAttnByInverseLayerIdx, bool TieWordEmbeddings)
    {
        public static Config From(HfConfig c)
        {
            int d = c.Int("n_embd", "hidden_size");
            return new Config(
                VocabSize: c.Int("vocab_size"),
                NPositions: c.Int("n_positions", "max_position_embeddings"),
                DModel: d,
                NLayers: c.Int("n_layer", "num_hidden_layers"),
                NHeads: c.Int("n_head", "num_attention_heads"),
                DMlp: c.OptionalInt("n_inner") ?? 4 * d,   // n_inner: null means 4·n_embd
                LayerNormEps: c.OptionalDouble("layer_norm_epsilon") ?? 1e-5,
                Activation: c.String("gelu_new", "activation_function")!,
                ScaleAttnWeights: c.OptionalBool("scale_attn_weights") ?? true,
                ScaleAttnByInverseLayerIdx: c.OptionalBool("scale_attn_by_inverse_layer_idx") ?? false,
                TieWordEmbeddings: c.OptionalBool("tie_word_embeddings") ?? true);
        }
    }

    sealed record BlockWeights(Tensor Ln1W, Tensor Ln1B, Tensor QkvW, Tensor QkvB, Tensor OutW, Tensor OutB,
                               Tensor Ln2W, Tensor Ln2B, Tensor FcW, Tensor FcB, Tensor ProjW, Tensor ProjB);

    readonly Config config;
    readonly Func<Tensor, Tensor> activation;
    readonly Tensor wte, wpe, lnFW, lnFB, unembed;
    readonly BlockWeights[] blocks;

    public Gpt2(Config config, Func<Tensor, Tensor> activation, IWeightSource w, ScalarType dtype, Device device) : base(w, dtype, device)
    {
        this.config = config;
        this.activation = activation;
        int d = config.DModel, v = config.VocabSize, f = config.DMlp;
        if (d % config.NHeads != 0) throw new ArgumentException($"n_embd {d} is not a multiple of n_head {config.NHeads}");
        string p = w.Contains("transformer.wte.weight") ? "transformer." : "";
        wte = Weight(p + "wte.weight", v, d);
        wpe = Weight(p + "wpe.weight", config.NPositions, d);
        blocks = Enumerable.Range(0, config.NLayers).Select(i =>
        {
            string b = $"{p}h.{i}.";
            return new BlockWeights(
                Weight(b + "ln_1.weight", d), Weight(b + "ln_1.bias", d),
                Weight(b + "attn.c_attn.weight", d, 3 * d), Weight(b + "attn.c_attn.bias", 3 * d),
                Weight(b + "attn.c_proj.weight", d, d), Weight(b + "attn.c_proj.bias", d),
                Weight(b + "ln_2.weight", d), Weight(b + "ln_2.bias", d),
                Weight(b + "mlp.c_fc.weight", d, f), Weight(b + "mlp.c_fc.bias", f),
                Weight(b + "mlp.c_proj.weight", f, d), Weight(b + "mlp.c_proj.bias", d));
        }).ToArray();
        lnFW = Weight(p + "ln_f.weight", d);
        lnFB = Weight(p + "ln_f.bias", d);
        unembed = config.TieWordEmbeddings ? wte : Weight("lm_head.weight", v, d);
        Dims = new ModelDims
        {
            Architecture = "gpt2", NLayers = config.NLayers, DModel = d, NHeads = config.NHeads, HeadDim = d / config.NHeads,
            DMlp = f, VocabSize = v, MaxPositions = config.NPositions,
        };
    }

    public override ModelDims Dims { get; }

    protected override Tensor Embed(Tensor ids)
    {
        long b = ids.shape[0], t = ids.shape[1];
        var tokens = wte.index_select(0, ids.reshape(-1)).view(b, t, -1);
        return tokens + wpe[..(int)t];
    }

    protected override Tensor Block(int layer, Tensor x, AttentionMask mask, Func<HookKind, Tensor, Tensor> hook)
    {
        var w = blocks[layer];
        var attnOut = hook(HookKind.AttnOut, SelfAttention(layer, Layers.LayerNorm(x, w.Ln1W, w.Ln1B, config.LayerNormEps), w, mask));
        x = x + attnOut;
        var h = Layers.LayerNorm(x, w.Ln2W, w.Ln2B, config.LayerNormEps);
        var mlpOut = hook(HookKind.MlpOut, Conv1D(activation(Conv1D(h, w.FcW, w.FcB)), w.ProjW, w.ProjB));
        return x + mlpOut;
    }

    Tensor SelfAttention(int layer, Tensor x, BlockWeights w, AttentionMask mask)
    {
        var qkv = Conv1D(x, w.QkvW, w.QkvB).chunk(3, -1);   // [:H], [H:2H], [2H:]
        var q = Attention.SplitHeads(qkv[0], config.NHeads);
        var k = Attention.SplitHeads(qkv[1], config.NHeads);
        var v = Attention.SplitHeads(qkv[2], config.NHeads);
        double scale = config.ScaleAttnWeights ? 1.0 / Math.Sqrt(Dims.HeadDim) : 1.0;
        if (config.ScaleAttnByInverseLayerIdx) scale /= layer + 1;
        var heads = Attention.Causal(q, k, v, mask, scale);
        return Conv1D(Attention.MergeHeads(heads), w.OutW, w.OutB);
    }

    /// <summary>GPT-2's Conv1D: weight [in, out], y = x·W + b.</summary>
    static Tensor Conv1D(Tensor x, Tensor weight, Tensor bias) =>
        addmm(bias, x.reshape(-1, x.shape[^1]), weight, beta: 1, alpha: 1).view(x.shape[0], x.shape[1], -1);

    protected override Tensor Unembed(Tensor x) =>
        Layers.LayerNorm(x, lnFW, lnFB, config.LayerNormEps).matmul(unembed.t());
}
