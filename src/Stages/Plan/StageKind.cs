namespace SaePipeline.Plan;

/// <summary>A stage: its MSBuild target, its command in the stage program, and where its artifacts live.</summary>
public sealed record StageKind(string Target, string Command, string Folder)
{
    public static readonly StageKind PrepareModel = new("PrepareModel", "prepare-model", "models");
    public static readonly StageKind CacheActivations = new("CacheActivations", "cache-activations", "activations");
    public static readonly StageKind TrainProbes = new("TrainProbes", "train-probes", "probes");
    public static readonly StageKind TrainSae = new("TrainSae", "train-sae", "saes");
    public static readonly StageKind EvaluateSynthetic = new("EvaluateSynthetic", "evaluate-synthetic", "evals/synthetic_recovery");
    public static readonly StageKind EvaluateCore = new("EvaluateCore", "evaluate-core", "evals/core");
    public static readonly StageKind EvaluateSparseProbing = new("EvaluateSparseProbing", "evaluate-sparse-probing", "evals/sparse_probing");
    public static readonly StageKind EvaluateCausal = new("EvaluateCausal", "evaluate-causal", "evals/causal");
    public static readonly StageKind EvaluateScr = new("EvaluateScr", "evaluate-scr", "evals/scr");
    public static readonly StageKind EvaluateTpp = new("EvaluateTpp", "evaluate-tpp", "evals/tpp");
    public static readonly StageKind Report = new("Report", "report", "report");

    public static readonly IReadOnlyList<StageKind> All =
        [PrepareModel, CacheActivations, TrainProbes, TrainSae, EvaluateSynthetic, EvaluateCore, EvaluateSparseProbing, EvaluateCausal, EvaluateScr, EvaluateTpp, Report];
}
