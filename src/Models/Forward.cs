using static TorchSharp.torch;

namespace SaePipeline.Models;

/// <summary>
/// What one forward pass should produce. Layers past the deepest hook point asked for are not computed unless logits or
/// the loss are wanted; <see cref="StopAtLayer"/> makes that explicit (caching never runs layers it does not read).
/// </summary>
public sealed record ForwardRequest
{
    /// <summary>Return the logits [B, T, V] as float32.</summary>
    public bool Logits { get; init; }

    /// <summary>Return the next-token cross-entropy per position, [B, T-1] float32, and which of them count.</summary>
    public bool Loss { get; init; }

    /// <summary>Hook points whose activations [B, T, d_model] to return (after any replacement at the same point).</summary>
    public IReadOnlyCollection<string> Capture { get; init; } = [];

    /// <summary>Hook points whose activation is replaced on its way through the model.</summary>
    public IReadOnlyDictionary<string, HookReplacement> Replace { get; init; } = new Dictionary<string, HookReplacement>();

    /// <summary>The last block to run (0-based); no logits or loss then.</summary>
    public int? StopAtLayer { get; init; }
}

/// <summary>
/// x → f(x) at a hook point, at the positions where <see cref="Positions"/> ([B, T] bool) is true, or everywhere when it
/// is null. f gets the whole [B, T, d_model] activation and must return the same shape: an SAE reconstruction spliced
/// in, a zero ablation, an intervention on latents.
/// </summary>
public sealed record HookReplacement(Func<Tensor, Tensor> Function, Tensor? Positions = null)
{
    public static HookReplacement ZeroAblation(Tensor? positions = null) => new(x => zeros_like(x), positions);

    internal Tensor Apply(Tensor x)
    {
        var replaced = Function(x);
        if (!replaced.shape.SequenceEqual(x.shape))
            throw new ArgumentException($"a hook replacement returned shape [{string.Join(", ", replaced.shape)}] for an activation of shape [{string.Join(", ", x.shape)}]");
        if (replaced.dtype != x.dtype) replaced = replaced.to(x.dtype);
        return Positions is null ? replaced : where(Positions.to(x.device).unsqueeze(-1), replaced, x);
    }
}

/// <summary>
/// The outputs of one forward pass. The tensors belong to the caller's dispose scope (if one is open) and to this
/// object; disposing either frees them.
/// </summary>
public sealed class ForwardResult : IDisposable
{
    public Tensor? Logits { get; init; }

    /// <summary>Cross-entropy of predicting token t+1 at position t, [B, T-1] float32 (0 where <see cref="LossMask"/> is false).</summary>
    public Tensor? TokenLoss { get; init; }

    /// <summary>[B, T-1] bool: the target token is a real token, not right padding.</summary>
    public Tensor? LossMask { get; init; }

    public IReadOnlyDictionary<string, Tensor> Activations { get; init; } = new Dictionary<string, Tensor>();

    /// <summary>The mean next-token CE over positions whose target is real (HF's loss when there is no padding).</summary>
    public double MeanLoss()
    {
        if (TokenLoss is null || LossMask is null) throw new InvalidOperationException("the loss was not requested");
        using var scope = NewDisposeScope();
        var mask = LossMask.to(ScalarType.Float64);
        return (TokenLoss.to(ScalarType.Float64) * mask).sum().item<double>() / Math.Max(1.0, mask.sum().item<double>());
    }

    public void Dispose()
    {
        Logits?.Dispose();
        TokenLoss?.Dispose();
        LossMask?.Dispose();
        foreach (var a in Activations.Values) a.Dispose();
    }
}
