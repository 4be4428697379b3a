using SaePipeline.Runtime;
using static TorchSharp.torch;

namespace SaePipeline.Models;

/// <summary>
/// Causal attention over right-padded rows. Key j is visible to query i when j ≤ i, j is a real token, and, on sliding
/// window layers, i − window &lt; j. Right padding keeps positions 0..T-1 for every row, so the padding only matters for
/// the padded positions themselves, whose outputs no one should read.
/// </summary>
public sealed class AttentionMask
{
    readonly Tensor? keyIsReal;   // [B, 1, 1, T] bool, null when nothing is padded
    readonly Dictionary<int, Tensor> allowed = [];
    readonly int length;
    readonly Device device;

    AttentionMask(Tensor? keyIsReal, Tensor? realTokens, int length, Device device)
    {
        this.keyIsReal = keyIsReal;
        RealTokens = realTokens;
        this.length = length;
        this.device = device;
    }

    /// <summary>[B, T] bool, true at real tokens; null when every position is real.</summary>
    public Tensor? RealTokens { get; }

    /// <summary>
    /// Checks an HF-style mask (1 = token, 0 = padding; [B, T], any integer or bool dtype) is right padding with at
    /// least one token per row.
    /// </summary>
    public static AttentionMask For(Tensor inputIds, Tensor? attentionMask, Device device)
    {
        int b = (int)inputIds.shape[0], t = (int)inputIds.shape[1];
        if (attentionMask is null) return new AttentionMask(null, null, t, device);
        if (!attentionMask.shape.SequenceEqual(inputIds.shape))
            throw new PipelineException($"attention mask has shape [{string.Join(", ", attentionMask.shape)}], input ids [{b}, {t}]", "forward");
        using var scope = NewDisposeScope();
        var real = attentionMask.to(device).ne(0);
        bool rightPadded = t == 1 || !real[.., 1..].logical_and(real[.., ..^1].logical_not()).any().item<bool>();
        if (!rightPadded || !real[.., 0].all().item<bool>())
            throw new PipelineException("attention mask must be right padding (1…1 0…0 per row) with a token at position 0", "forward");
        if (real.all().item<bool>()) return new AttentionMask(null, null, t, device);
        return new AttentionMask(real.view(b, 1, 1, t).MoveToOuterDisposeScope(), real.MoveToOuterDisposeScope(), t, device);
    }

    /// <summary>True when plain causal attention is exact (no padding, no window that cuts anything off).</summary>
    public bool IsPlainCausal(int? slidingWindow) => keyIsReal is null && (slidingWindow is null || slidingWindow >= length);

    /// <summary>[B or 1, 1, T, T] bool: which keys each query sees. Built once per window size per forward pass.</summary>
    public Tensor Allowed(int? slidingWindow)
    {
        int key = slidingWindow ?? 0;
        if (allowed.TryGetValue(key, out var cached)) return cached;
        using var scope = NewDisposeScope();
        var i = arange(length, device: device).view(length, 1);
        var j = arange(length, device: device).view(1, length);
        var mask = j.le(i);
        if (slidingWindow is int w) mask = mask.logical_and(j.gt(i - w));
        mask = mask.view(1, 1, length, length);
        if (keyIsReal is not null) mask = mask.logical_and(keyIsReal);
        return allowed[key] = mask.MoveToOuterDisposeScope();
    }
}
