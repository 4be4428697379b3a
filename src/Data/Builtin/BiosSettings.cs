namespace SaePipeline.Data.Builtin;

/// <summary>Settings of the bias_in_bios generator.</summary>
public sealed record BiosSettings
{
    /// <summary>
    /// The strength of the gender–profession association, as the population Cramér's V between the two. For a binary
    /// variable against professions with shares w_p and female rates f_p this is
    /// V = sqrt(Σ_p w_p (f_p − f̄)² / (f̄(1 − f̄))) with f̄ = Σ_p w_p f_p, which equals sqrt(χ²/N) of the expected
    /// contingency table. Null keeps the real data set's rates (V ≈ 0.35). A value rescales every profession's
    /// deviation from 50% female by one factor s, f_p = clamp(0.5 + s·(r_p − 0.5), 0.01, 0.99), with s chosen so the
    /// V comes out as requested: 0 makes gender independent of profession; the largest reachable value (≈ 0.93) is
    /// where every profession but the exactly balanced ones sits at the 1%/99% clamp.
    /// </summary>
    public double? GenderProfessionCorrelation { get; init; }

    /// <summary>The chance that a bio names its profession outright, which the real hard_text does only now and then.</summary>
    public double TitleMentionRate { get; init; } = 0.08;
}
