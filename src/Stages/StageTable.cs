using SaePipeline.Activations;
using SaePipeline.Artifacts;
using SaePipeline.Evals;
using SaePipeline.Evals.Absorption;
using SaePipeline.Evals.Causal;
using SaePipeline.Evals.Core;
using SaePipeline.Evals.ScrTpp;
using SaePipeline.Evals.SparseProbing;
using SaePipeline.Evals.Synthetic;
using SaePipeline.Models.Prepare;
using SaePipeline.Probes;
using SaePipeline.Reports;
using SaePipeline.Sae;

namespace SaePipeline;

/// <summary>
/// Every stage, once. Adding a stage is its folder (a floor project with its params record and its Run) plus one
/// entry here and in <see cref="All"/>; then regenerate build/Stages.targets (<c>dotnet run --project src/Stages --
/// msbuild-targets build/Stages.targets</c>; a test says when it is stale).
/// </summary>
public static class StageTable
{
    public static readonly StageKind<PrepareModelParams> PrepareModel = new()
    {
        Target = "PrepareModel", Verb = "prepare-model", Folder = "models",
        Summary = "checks and fingerprints the checkpoint folder pipeline.yaml's model.path names, or pretrains the built-in model",
        Inputs = [], Run = PrepareModelStage.Run,
    };

    public static readonly StageKind<CacheActivationsParams> CacheActivations = new()
    {
        Target = "CacheActivations", Verb = "cache-activations", Folder = "activations",
        Summary = "activation caches to Parquet shards (planted features; a model's corpus; labelled texts for probes) and core evaluation's shared passes",
        Inputs = [new(InputRole.Model, PrepareModel)], Run = CacheActivationsStage.Run,
    };

    public static readonly StageKind<TrainProbesParams> TrainProbes = new()
    {
        Target = "TrainProbes", Verb = "train-probes", Folder = "probes",
        Summary = "per SCR/TPP/sparse-probing data set: pooled activations, SAEBench's probes and their clean accuracies, once for every SAE",
        Inputs = [new(InputRole.Activations, CacheActivations)], Run = TrainProbesStage.Run,
    };

    public static readonly StageKind<TrainSaeParams> TrainSae = new()
    {
        Target = "TrainSae", Verb = "train-sae", Folder = "saes",
        Summary = "one SAE per item, from the activation cache (after the probes: precision_adversarial keeps SCR's frozen)",
        Inputs =
        [
            new(InputRole.Activations, CacheActivations), new(InputRole.ScrActivations, CacheActivations),
            new(InputRole.ScrProbes, TrainProbes), new(InputRole.Model, PrepareModel),
        ],
        Run = TrainSaeStage.Run,
    };

    public static readonly StageKind<EvaluateSyntheticParams> EvaluateSynthetic = new()
    {
        Target = "EvaluateSynthetic", Verb = "evaluate-synthetic", Folder = "evals/synthetic_recovery",
        Summary = "planted-feature recovery of each SAE, as SAEBench-envelope JSON",
        Inputs = [new(InputRole.Sae, TrainSae), new(InputRole.Activations, CacheActivations)], Run = EvaluateSyntheticStage.Run,
    };

    public static readonly StageKind<EvaluateCoreParams> EvaluateCore = new()
    {
        Target = "EvaluateCore", Verb = "evaluate-core", Folder = "evals/core",
        Summary = "SAEBench's core metrics of each SAE; the SAE-independent passes come from the <corpus>-core cache",
        Inputs = [new(InputRole.Sae, TrainSae), new(InputRole.Model, PrepareModel), new(InputRole.CoreReference, CacheActivations)],
        Run = EvaluateCoreStage.Run,
    };

    public static readonly StageKind<EvaluateSparseProbingParams> EvaluateSparseProbing = new()
    {
        Target = "EvaluateSparseProbing", Verb = "evaluate-sparse-probing", Folder = "evals/sparse_probing",
        Summary = "SAEBench's sparse probing of each SAE's latents; the language model's probes are trained once by TrainProbes",
        Inputs = [new(InputRole.Sae, TrainSae), new(InputRole.ActivationsOf("*"), CacheActivations), new(InputRole.ProbesOf("*"), TrainProbes)],
        Run = EvaluateSparseProbingStage.Run,
    };

    public static readonly StageKind<PrepareSaeProbesParams> PrepareSaeProbes = new()
    {
        Target = "PrepareSaeProbes", Verb = "prepare-sae-probes", Folder = "sae_probes",
        Summary = "sae-probes' SAE-independent half: the model's baseline probe on every binary task of a source's sparse-probing data sets, per seed",
        Inputs = [new(InputRole.Activations, CacheActivations)], Run = PrepareSaeProbesStage.Run,
    };

    public static readonly StageKind<EvaluateSaeProbesParams> EvaluateSaeProbes = new()
    {
        Target = "EvaluateSaeProbes", Verb = "evaluate-sae-probes", Folder = "evals/sparse_probing_sae_probes",
        Summary = "k-sparse probing of each SAE in the sae-probes protocol: every class of every sparse-probing data set as a binary task; the model's baselines come from PrepareSaeProbes",
        Inputs = [new(InputRole.Sae, TrainSae), new(InputRole.ActivationsOf("*"), CacheActivations), new(InputRole.SaeProbesOf("*"), PrepareSaeProbes)],
        Run = EvaluateSaeProbesStage.Run,
    };

    public static readonly StageKind<PrepareAbsorptionParams> PrepareAbsorption = new()
    {
        Target = "PrepareAbsorption", Verb = "prepare-absorption", Folder = "absorption",
        Summary = "first-letter absorption's SAE-independent half: the vocabulary's letter prompts, their activations and the letter probes, per seed",
        Inputs = [new(InputRole.Model, PrepareModel)], Run = PrepareAbsorptionStage.Run,
    };

    public static readonly StageKind<EvaluateAbsorptionParams> EvaluateAbsorption = new()
    {
        Target = "EvaluateAbsorption", Verb = "evaluate-absorption", Folder = "evals/absorption_first_letter",
        Summary = "SAEBench's first-letter feature absorption of each SAE, against the cached letter prompts and probes",
        Inputs = [new(InputRole.Sae, TrainSae), new(InputRole.Absorption, PrepareAbsorption)], Run = EvaluateAbsorptionStage.Run,
    };

    public static readonly StageKind<EvaluateCausalParams> EvaluateCausal = new()
    {
        Target = "EvaluateCausal", Verb = "evaluate-causal", Folder = "evals/causal",
        Summary = "every latent's normalised causal effect score, on core evaluation's rows",
        Inputs = [new(InputRole.Sae, TrainSae), new(InputRole.Model, PrepareModel), new(InputRole.CoreReference, CacheActivations)],
        Run = EvaluateCausalStage.Run,
    };

    public static readonly StageKind<EvaluateScrTppParams> EvaluateScr = new()
    {
        Target = "EvaluateScr", Verb = "evaluate-scr", Folder = "evals/scr",
        Summary = "SAEBench's spurious correlation removal of each SAE, against the cached probes",
        Inputs = [new(InputRole.Sae, TrainSae), new(InputRole.ActivationsOf("*"), CacheActivations), new(InputRole.ProbesOf("*"), TrainProbes)],
        Run = EvaluateScrTppStage.RunScr,
    };

    public static readonly StageKind<EvaluateScrTppParams> EvaluateTpp = new()
    {
        Target = "EvaluateTpp", Verb = "evaluate-tpp", Folder = "evals/tpp",
        Summary = "SAEBench's targeted probe perturbation of each SAE, against the cached probes",
        Inputs = [new(InputRole.Sae, TrainSae), new(InputRole.ActivationsOf("*"), CacheActivations), new(InputRole.ProbesOf("*"), TrainProbes)],
        Run = EvaluateScrTppStage.RunTpp,
    };

    public static readonly StageKind<ReportParams> Report = new()
    {
        Target = "Report", Verb = "report", Folder = "report",
        Summary = "artifacts/report/<experiment> (a link to the current report) and one notes.txt entry for a build that changed results",
        Inputs =
        [
            new(InputRole.SaeNamed("*"), TrainSae),
            new(InputRole.ResultOf(EvalTypes.SyntheticRecovery, "*"), EvaluateSynthetic),
            new(InputRole.ResultOf(EvalTypes.Core, "*"), EvaluateCore),
            new(InputRole.ResultOf(EvalTypes.SparseProbing, "*"), EvaluateSparseProbing),
            new(InputRole.ResultOf(EvalTypes.Absorption, "*"), EvaluateAbsorption),
            new(InputRole.ResultOf(EvalTypes.SaeProbes, "*"), EvaluateSaeProbes),
            new(InputRole.ResultOf(EvalTypes.Causal, "*"), EvaluateCausal),
            new(InputRole.ResultOf(EvalTypes.Scr, "*"), EvaluateScr),
            new(InputRole.ResultOf(EvalTypes.Tpp, "*"), EvaluateTpp),
        ],
        Run = ReportStage.Run, SummarisesBuild = true, LinksCurrent = true,
    };

    /// <summary>Every stage, each after the stages it reads.</summary>
    public static readonly IReadOnlyList<StageKind> All =
        [PrepareModel, CacheActivations, TrainProbes, PrepareSaeProbes, PrepareAbsorption, TrainSae, EvaluateSynthetic, EvaluateCore, EvaluateSparseProbing, EvaluateSaeProbes, EvaluateAbsorption, EvaluateCausal, EvaluateScr, EvaluateTpp, Report];

    public static StageKind? ByVerb(string verb) => All.FirstOrDefault(s => s.Verb == verb);
}
