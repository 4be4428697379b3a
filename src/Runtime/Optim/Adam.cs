using static TorchSharp.torch;

namespace SaePipeline.Optim;

/// <summary>
/// Adam (Kingma &amp; Ba), the update PyTorch's torch.optim.Adam makes: m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g²,
/// p ← p − (lr/(1−β1ᵗ))·m / (√v/√(1−β2ᵗ) + ε). It is computed in the paper's "efficient" form (§2, last paragraph
/// before 2.1): p ← p − (lr·√(1−β2ᵗ)/(1−β1ᵗ))·m / (√v + ε·√(1−β2ᵗ)), equal in exact arithmetic and two passes over
/// the parameters cheaper, which matters because Adam is memory-bound. Ours rather than TorchSharp's so that trainers
/// can reach the moment tensors (dead-latent resampling zeroes them for resampled latents) and save them.
/// </summary>
public sealed class Adam : IDisposable
{
    readonly IReadOnlyList<Tensor> parameters;
    readonly Tensor[] m, v;
    readonly double beta1, beta2, eps;
    readonly Tensor oneMinusBeta1;   // lerp_ takes its weight as a tensor

    public Adam(IReadOnlyList<Tensor> parameters, double beta1, double beta2, double eps = 1e-8)
    {
        this.parameters = parameters;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        oneMinusBeta1 = tensor(1 - beta1, float32, parameters[0].device).DetachFromDisposeScope();
        m = parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
        v = parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
    }

    public long StepCount { get; private set; }

    /// <summary>The first and second moments of every parameter, in parameter order (for checkpoints).</summary>
    public IReadOnlyList<Tensor> FirstMoments => m;
    public IReadOnlyList<Tensor> SecondMoments => v;

    /// <summary>Puts back a checkpoint's moments and step count, so the next step is the one the checkpointed run would take.</summary>
    public void Restore(IReadOnlyList<Tensor> firstMoments, IReadOnlyList<Tensor> secondMoments, long stepCount)
    {
        using var noGrad = no_grad();
        for (int i = 0; i < m.Length; i++)
        {
            m[i].copy_(firstMoments[i]);
            v[i].copy_(secondMoments[i]);
        }
        StepCount = stepCount;
    }

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
            m[i].lerp_(g, oneMinusBeta1);                        // β1·m + (1−β1)·g in one pass
            v[i].mul_(beta2).addcmul_(g, g, value: 1 - beta2);
            var denom = v[i].sqrt().add_(eps * Math.Sqrt(bias2));
            parameters[i].addcdiv_(m[i], denom, value: -lr * Math.Sqrt(bias2) / bias1);
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
        oneMinusBeta1.Dispose();
    }
}
