using static TorchSharp.torch;

namespace SaePipeline.Sae;

/// <summary>
/// Adam (Kingma &amp; Ba), the update PyTorch's torch.optim.Adam makes: m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g²,
/// p ← p − (lr/(1−β1ᵗ))·m / (√v/√(1−β2ᵗ) + ε). Ours rather than TorchSharp's so that trainers can reach the moment
/// tensors (dead-latent resampling zeroes them for resampled latents) and save them.
/// </summary>
public sealed class Adam : IDisposable
{
    readonly IReadOnlyList<Tensor> parameters;
    readonly Tensor[] m, v;
    readonly double beta1, beta2, eps;

    public Adam(IReadOnlyList<Tensor> parameters, double beta1, double beta2, double eps = 1e-8)
    {
        this.parameters = parameters;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        m = parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
        v = parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
    }

    public long StepCount { get; private set; }

    public void Step(double lr)
    {
        StepCount++;
        double bias1 = 1 - Math.Pow(beta1, StepCount), bias2 = 1 - Math.Pow(beta2, StepCount);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        for (int i = 0; i < parameters.Count; i++)
        {
            var g = parameters[i].grad;
            if (g is null) continue;
            m[i].mul_(beta1).add_(g, alpha: 1 - beta1);
            v[i].mul_(beta2).addcmul_(g, g, value: 1 - beta2);
            var denom = v[i].sqrt().div_(Math.Sqrt(bias2)).add_(eps);
            parameters[i].addcdiv_(m[i], denom, value: -lr / bias1);
        }
    }

    public void ZeroGrad()
    {
        foreach (var p in parameters) p.grad?.zero_();
    }

    /// <summary>Zeroes both moments of parameter <paramref name="index"/> at <paramref name="positions"/> along <paramref name="dim"/>.</summary>
    public void ResetMoments(int index, long dim, Tensor positions)
    {
        using var noGrad = no_grad();
        m[index].index_fill_(dim, positions, 0);
        v[index].index_fill_(dim, positions, 0);
    }

    public void Dispose()
    {
        foreach (var t in m.Concat(v)) t.Dispose();
    }
}
