using SaePipeline.Runtime;
namespace SaePipeline.Config;

/// <summary>pipeline.yaml: one experiment. Keys are the snake_case names of these properties.</summary>
public sealed record PipelineConfig : IValidatedConfig
{
    /// <summary>Experiment name; the SAEBench <c>sae_lens_release_id</c> of every evaluation it writes.</summary>
    [Pattern(Names.Regex, Names.Description)]
    public string Name { get; init; } = "experiment";

    /// <summary>
    /// What the experiment asks and how, in a few sentences for whoever writes it up; the report puts it at the head
    /// of summary.md and of every notes.txt entry.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Description { get; init; }

    /// <summary>Seed for everything random unless a section sets its own <c>seed</c>.</summary>
    [Min(0)]
    public long Seed { get; init; } = 42;

    public DeviceChoice Device { get; init; } = DeviceChoice.Auto;

    /// <summary>The language model: a local checkpoint folder, or a built-in model PrepareModel pretrains.</summary>
    public ModelConfig? Model { get; init; }

    /// <summary>What CacheActivations takes from the model; the SAEs train on its corpus cache.</summary>
    public ActivationsConfig? Activations { get; init; }

    /// <summary>Text data sets by name: local files, or built-in generators with settings.</summary>
    public IReadOnlyDictionary<string, DatasetConfig> Datasets { get; init; } = new Dictionary<string, DatasetConfig>();

    /// <summary>
    /// Planted ground-truth features (docs/sae-training.md §6) instead of a model: the SAEs train on them and EvaluateSynthetic
    /// scores recovery. A pipeline has either this or <c>activations</c>.
    /// </summary>
    public SyntheticSourceConfig? Synthetic { get; init; }

    /// <summary>The SAEs to train. <c>sae_defaults</c> (a mapping with the same keys) fills keys an entry leaves out.</summary>
    [MinCount(1)]
    public required IReadOnlyList<SaeConfig> Saes { get; init; }

    public EvalsConfig Evals { get; init; } = new();

    /// <summary>How <c>-p:Executor=slurm</c> submits items as batch jobs (resources per stage); not part of any result.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public SlurmConfig? Slurm { get; init; }

    public void Validate(ConfigValidation v)
    {
        if ((Synthetic is null) == (Activations is null))
            v.Error(Synthetic is null ? "activations" : "synthetic",
                "the SAEs train on one source: either synthetic (planted features) or activations (from the model)", ConfigCodes.Inconsistent);
        if (Activations is not null && Model is null)
            v.Error("model", "activations come from a model: add model: builtin:tiny or model: {path: <checkpoint folder>}", ConfigCodes.MissingRequired);
        foreach (var name in Datasets.Keys.Where(n => !System.Text.RegularExpressions.Regex.IsMatch(n, Names.Regex)))
            v.Error("datasets", $"{ConfigText.Quote(name)} is not a valid data set name: use {Names.Description}");
        if (Activations is { } a)
        {
            foreach (var name in a.Labelled.Prepend(a.Corpus))
                if (DatasetNames.KindOf(this, name) is (null, { } problem))
                    v.Error("activations", problem, ConfigCodes.Inconsistent);
                else if (a.Labelled.Contains(name) && DatasetNames.KindOf(this, name).Kind == Data.DatasetKind.Text.Name)
                    v.Error("activations", $"'{name}' is a plain text data set; labelled caches need labels (bias_in_bios, amazon_reviews, ...)", ConfigCodes.Inconsistent);
        }
        if (Evals.Core is { } core)
        {
            if (Activations is null)
                v.Error("evals", "evals.core runs a language model with the SAE spliced in; this pipeline has no model (activations:)", ConfigCodes.Inconsistent);
            else if (core.Dataset is { } name && DatasetNames.KindOf(this, name) is (null, { } problem))
                v.Error("evals", $"evals.core.dataset: {problem}", ConfigCodes.Inconsistent);
        }
        if (Evals.Causal is not null && Evals.Core is not { SharedPassCache: true })
            v.Error("evals", "evals.causal measures effects on core evaluation's rows and reads its shared passes: add evals.core (with shared_pass_cache: true)",
                    ConfigCodes.Inconsistent);
        if (Evals.SparseProbing is { } sparse)
        {
            if (Activations is null)
                v.Error("evals", "evals.sparse_probing probes a language model's activations on labelled text; this pipeline has no model (activations:)", ConfigCodes.Inconsistent);
            else
                foreach (var (source, subsets) in sparse.SourcesOfSubsets())
                {
                    var (kind, problem) = DatasetNames.KindOf(this, source);
                    if (kind is null) v.Error("evals", $"evals.sparse_probing: {problem}", ConfigCodes.Inconsistent);
                    else if (subsets.FirstOrDefault(s => s.Kind.Name != kind) is { } wrong)
                        v.Error("evals", $"evals.sparse_probing: {wrong.Id} needs {wrong.Kind.Name} data, but '{source}' is {kind} data (set sparse_probing.sources.{wrong.Kind.Name})", ConfigCodes.Inconsistent);
                    else if (Datasets.GetValueOrDefault(source) is { Train: not null, Test: null })
                        v.Error("evals", $"evals.sparse_probing: '{source}' has no test file; probes train on train and are scored on test (add datasets.{source}.test)", ConfigCodes.Inconsistent);
                }
        }
        if (Evals.SaeProbes is not null && Evals.SparseProbing is null)
            v.Error("evals", "evals.sae_probes builds its binary tasks from sparse probing's labelled texts and caches: add evals.sparse_probing", ConfigCodes.Inconsistent);
        if (Evals.Absorption is not null && Activations is null)
            v.Error("evals", "evals.absorption probes a language model's activations on first-letter prompts; this pipeline has no model (activations:)", ConfigCodes.Inconsistent);
        foreach (var sae in Saes)
        {
            if (sae.PrecisionAdversarial is { } adversarial && !(Evals.Scr?.Datasets ?? []).Contains(adversarial.Dataset))
                v.Error("saes", $"{sae.Name}: precision_adversarial uses the SCR probes and texts of '{adversarial.Dataset}', so evals.scr.datasets must list it" +
                                (Activations is null ? " (and SCR needs a model: activations:)" : ""), ConfigCodes.Inconsistent);
            if (sae.PrecisionAdversarial is { ProbeSeed: { } seed } && !Evals.Seeds.Contains(seed))
                v.Error("saes", $"{sae.Name}: precision_adversarial.probe_seed {seed} is not one of evals.seeds ({string.Join(", ", Evals.Seeds)}), so no probe was trained with it",
                        ConfigCodes.Inconsistent);
            if (sae.Causal is not null && Activations is null)
                v.Error("saes", $"{sae.Name}: the causal objective runs the language model after the SAE's hook; this pipeline has no model (activations:)", ConfigCodes.Inconsistent);
        }
        if (Evals.Scr is { } scr)
            ValidateConceptEval(v, "scr", scr.Datasets, (scr.Pairs ?? new Dictionary<string, IReadOnlyList<IReadOnlyList<string>>>())
                .ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value.SelectMany(p => p).ToList()));
        if (Evals.Tpp is { } tpp)
            ValidateConceptEval(v, "tpp", tpp.Datasets, tpp.Classes ?? new Dictionary<string, IReadOnlyList<string>>());
    }

    /// <summary>SCR and TPP need a model, data sets of a kind with target and spurious columns, and classes those columns have.</summary>
    void ValidateConceptEval(ConfigValidation v, string eval, IReadOnlyList<string> datasets, IReadOnlyDictionary<string, IReadOnlyList<string>> classes)
    {
        if (Activations is null)
        {
            v.Error("evals", $"evals.{eval} probes a language model's activations on labelled text; this pipeline has no model (activations:)", ConfigCodes.Inconsistent);
            return;
        }
        foreach (var name in datasets)
        {
            var (kind, problem) = DatasetNames.KindOf(this, name);
            if (kind is null)
            {
                v.Error("evals", $"evals.{eval}.datasets: {problem}", ConfigCodes.Inconsistent);
                continue;
            }
            if (Data.ProbeSets.ConceptColumns.For(kind) is not { } columns)
            {
                v.Error("evals", $"evals.{eval}.datasets: '{name}' is a {kind} data set; {eval} needs a target and a spurious label " +
                                 $"(kinds: {string.Join(", ", Data.ProbeSets.ConceptColumns.All.Select(c => c.Kind.Name))})", ConfigCodes.Inconsistent);
                continue;
            }
            if (Datasets.GetValueOrDefault(name) is { Train: not null, Test: null })
                v.Error("evals", $"evals.{eval}.datasets: '{name}' has no test file; {eval} trains probes on train and scores them on test (add datasets.{name}.test)", ConfigCodes.Inconsistent);
            foreach (var c in classes.GetValueOrDefault(name) ?? [])
                if (columns.FindTarget(c) is null)
                    v.Error("evals", $"evals.{eval}: '{c}' is not a {columns.Target} of {kind} data (by name or value; e.g. " +
                                     $"{string.Join(", ", columns.TargetClasses.Take(4).Select(t => $"{t.Name} = {t.Value}"))}, …)");
        }
    }
}
