namespace SaePipeline.Config;

/// <summary>
/// What an intervention sets a latent to, at every position it is applied to:
/// <list type="bullet">
/// <item><see cref="Zero"/>: 0 (ablation);</item>
/// <item><see cref="Mean"/>: the latent's mean activation (over every position seen, silent ones included), so the
///   model sees the latent's average contribution instead of its token-specific one;</item>
/// <item><see cref="Random"/>: a value drawn independently per position from the latent's empirical distribution
///   (resample ablation), which keeps the marginal distribution and destroys only the dependence on the input.</item>
/// </list>
/// </summary>
public enum InterventionKind { Zero, Mean, Random }
