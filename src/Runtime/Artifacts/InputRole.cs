namespace SaePipeline.Artifacts;

/// <summary>
/// The name an item gives one of its inputs (its spec's <c>inputs</c> key). The planner wires inputs and the stages
/// read them through these constants, so a role is spelled once.
/// </summary>
public sealed record InputRole(string Name)
{
    /// <summary>The language model (a PrepareModel item).</summary>
    public static readonly InputRole Model = new("model");

    /// <summary>The activation cache an SAE trains on, or that a synthetic evaluation reads its planted features from.</summary>
    public static readonly InputRole Activations = new("activations");

    /// <summary>The SAE an evaluation scores (a TrainSae item).</summary>
    public static readonly InputRole Sae = new("sae");

    /// <summary>Core evaluation's shared passes (the <c>&lt;corpus&gt;-core</c> CacheActivations item).</summary>
    public static readonly InputRole CoreReference = new("reference");

    /// <summary>precision_adversarial: its SCR data set's labelled cache and its TrainProbes item.</summary>
    public static readonly InputRole ScrActivations = new("scr_activations");
    public static readonly InputRole ScrProbes = new("scr_probes");

    /// <summary>First-letter absorption's SAE-independent item: prompts' activations and letter probes per seed.</summary>
    public static readonly InputRole Absorption = new("absorption");

    /// <summary>A labelled data set's cache, for an evaluation that reads several.</summary>
    public static InputRole ActivationsOf(string dataset) => new($"activations/{dataset}");

    /// <summary>A labelled data set's probes (TrainProbes), for an evaluation that reads several.</summary>
    public static InputRole ProbesOf(string dataset) => new($"probes/{dataset}");

    /// <summary>A source data set's sae-probes baselines (PrepareSaeProbes).</summary>
    public static InputRole SaeProbesOf(string dataset) => new($"sae_probes/{dataset}");

    /// <summary>The report's inputs: each SAE, and each evaluation of it by its SAEBench eval_type_id.</summary>
    public static InputRole SaeNamed(string sae) => new($"sae/{sae}");
    public static InputRole ResultOf(string evalTypeId, string sae) => new($"{evalTypeId}/{sae}");

    public override string ToString() => Name;
}
