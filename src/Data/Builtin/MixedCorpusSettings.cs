namespace SaePipeline.Data.Builtin;

/// <summary>
/// Mixture weights of the pretraining corpus (normalised, so only ratios matter), and the settings of its bios part.
/// The defaults lean on general prose, with every SAEBench-shaped source present so that a model trained on the
/// corpus has seen the vocabulary the probes and evals later read.
/// </summary>
public sealed record MixedCorpusSettings
{
    public double Prose { get; init; } = 0.30;
    public double Bios { get; init; } = 0.20;
    public double Reviews { get; init; } = 0.15;
    public double News { get; init; } = 0.15;
    public double Code { get; init; } = 0.10;
    public double Languages { get; init; } = 0.10;
    public BiosSettings BiosSettings { get; init; } = new();
}
