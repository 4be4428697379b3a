namespace SaePipeline.Config;

/// <summary>
/// How the built-in model is pretrained: AdamW (β = 0.9, 0.95, decoupled weight decay on matrices only, as nanoGPT
/// and Pythia do), linear warmup then cosine decay to <see cref="MinLrFraction"/>·lr, global gradient-norm clipping.
/// </summary>
public sealed record PretrainingSettings
{
    /// <summary>Optimizer steps; each sees <see cref="BatchRows"/> packed rows.</summary>
    public required int Steps { get; init; }
    public required int BatchRows { get; init; }
    public double Lr { get; init; } = 3e-3;
    public int WarmupSteps { get; init; } = 30;
    public double MinLrFraction { get; init; } = 0.1;
    public double WeightDecay { get; init; } = 0.1;
    public double Beta1 { get; init; } = 0.9;
    public double Beta2 { get; init; } = 0.95;
    public double GradClip { get; init; } = 1.0;

    /// <summary>lr at a step: linear warmup from lr/warmup, then a half cosine down to MinLrFraction·lr at the last step.</summary>
    public double LrAt(int step)
    {
        if (step < WarmupSteps) return Lr * (step + 1) / WarmupSteps;
        double progress = Steps <= WarmupSteps ? 1 : (double)(step - WarmupSteps) / Math.Max(1, Steps - 1 - WarmupSteps);
        double cosine = 0.5 * (1 + Math.Cos(Math.PI * Math.Min(progress, 1)));
        return Lr * (MinLrFraction + (1 - MinLrFraction) * cosine);
    }
}
