using static TorchSharp.torch.nn.functional;
using static TorchSharp.torch;

namespace SaePipeline.Models;

/// <summary>Multi-head causal self-attention, the part all three architectures share once q, k, v are made.</summary>
public static class Attention
{
    /// <summary>[B, T, heads·hd] → [B, heads, T, hd].</summary>
    public static Tensor SplitHeads(Tensor x, int heads) =>
        x.view(x.shape[0], x.shape[1], heads, -1).transpose(1, 2);

    /// <summary>[B, heads, T, hd] → [B, T, heads·hd].</summary>
    public static Tensor MergeHeads(Tensor x) =>
        x.transpose(1, 2).contiguous().view(x.shape[0], x.shape[2], -1);

    /// <summary>
    /// softmax(mask(softcap(q·kᵀ·scale)))·v, with q, k, v [B, heads, T, hd] (k and v already repeated for grouped-query
    /// attention). Softmax runs in float32, as HF's eager attention does for Gemma-2. Without a softcap, a window, padding
    /// or a non-standard scale, libtorch's fused kernel computes the same thing faster.
    /// </summary>
    public static Tensor Causal(Tensor q, Tensor k, Tensor v, AttentionMask mask, double scale, double? softcap = null, int? slidingWindow = null)
    {
        bool standardScale = Math.Abs(scale * Math.Sqrt(q.shape[^1]) - 1) < 1e-12;
        if (softcap is null && standardScale && mask.IsPlainCausal(slidingWindow))
            return scaled_dot_product_attention(q, k, v, is_casual: true);

        var scores = q.matmul(k.transpose(-2, -1)).mul_(scale);
        if (softcap is double cap) scores = scores.div_(cap).tanh_().mul_(cap);
        // The dtype's lowest finite value, as HF uses, not -inf: a padded query on a sliding-window layer can see no key at
        // all, and -inf would give it NaN weights, which 0·NaN would then spread to every real position through v.
        scores = scores.masked_fill(mask.Allowed(slidingWindow).logical_not(), finfo(scores.dtype).min);
        var weights = scores.to(ScalarType.Float32).softmax(-1).to(q.dtype);
        return weights.matmul(v);
    }
}
