namespace SaePipeline.Evals;

/// <summary>
/// SAEBench's <c>eval_type_id</c> of each evaluation (ours where SAEBench has none): the result JSON's first key and the
/// report's name for the result (<see cref="Artifacts.InputRole.ResultOf"/>).
/// </summary>
public static class EvalTypes
{
    public const string Core = "core";
    public const string Scr = "scr";
    public const string Tpp = "tpp";
    public const string SparseProbing = "sparse_probing";
    public const string Absorption = "absorption_first_letter";
    public const string SaeProbes = "sparse_probing_sae_probes";

    /// <summary>Not a SAEBench evaluation: normalised causal effects of each latent.</summary>
    public const string Causal = "causal";

    /// <summary>Not a SAEBench evaluation: recovery of planted ground-truth features.</summary>
    public const string SyntheticRecovery = "synthetic_recovery";
}
