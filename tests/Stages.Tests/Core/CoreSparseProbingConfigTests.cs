using SaePipeline.Activations;
using SaePipeline.Config;
using SaePipeline.Evals.Core;
using SaePipeline.Plan;

namespace SaePipeline.Tests.Core;

/// <summary>evals.core and evals.sparse_probing in pipeline.yaml: what they plan, what each setting makes stale, and their mistakes.</summary>
public sealed class CoreSparseProbingConfigTests
{
    const string Valid = """
        name: t
        model: builtin:micro
        activations:
          hook: blocks.1.hook_resid_post
          context: 64
          n_tokens: 8192
        datasets:
          news:
            kind: ag_news
        saes:
          - name: a
            d_sae: 64
            l1_coefficient: 0.01
          - name: b
            d_sae: 64
            l1_coefficient: 0.02
        evals:
          seeds: [1, 2]
          core: {}
          sparse_probing:
            datasets: [bias_in_bios_class_set1, bias_in_bios_class_set3, ag_news]
            sources: {ag_news: news}
            train_set_size: 400
        """;

    static PipelinePlan Plan(TempDir dir, string yaml, params string[] overrides) =>
        PipelinePlanner.Build(PipelineConfigLoader.Load(dir.File("pipeline.yaml", yaml), overrides), Path.Combine(dir.Path, "notes.txt"));

    static ConfigError SingleError(string yaml)
    {
        using var dir = new TempDir();
        var e = Assert.Throws<ConfigException>(() => PipelineConfigLoader.Load(dir.File("pipeline.yaml", yaml)));
        return Assert.Single(e.Errors, x => !x.IsWarning);
    }

    static T Params<T>(PipelinePlan plan, string name, StageKind? kind = null) =>
        Runtime.Json.Deserialize<T>(plan.Items.Single(i => i.Name == name && (kind is null || i.Kind == kind)).Params, name);

    [Fact]
    public void OneSharedPassCachePerCorpusAndOneCacheAndProbeSetPerSource()
    {
        using var dir = new TempDir();
        var plan = Plan(dir, Valid);
        var names = plan.Items.Select(i => $"{i.Kind.Target}/{i.Name}").ToList();
        Assert.Equal(1, names.Count(n => n == "CacheActivations/mixed-core"));
        Assert.Contains("CacheActivations/bias_in_bios-sparse_probing", names);
        Assert.Contains("CacheActivations/news-sparse_probing", names);
        Assert.Contains("TrainProbes/sparse_probing-news", names);
        Assert.Equal(2, names.Count(n => n.StartsWith("EvaluateCore/", StringComparison.Ordinal)));

        // The two bios class sets share one cache; its selection lists both, with SAEBench's sizes per group.
        var bios = Params<CacheActivationsParams>(plan, "bias_in_bios-sparse_probing").Selection!;
        Assert.Equal(["bias_in_bios_class_set1", "bias_in_bios_class_set3"], bios.Subsets);
        Assert.Equal((100, 400), (bios.TrainPerGroup, bios.TrainSetSize!.Value));

        // The built-in model gets the small defaults; the eval reads the shared passes.
        var core = Params<EvaluateCoreParams>(plan, "a", StageTable.EvaluateCore);
        Assert.Equal((16, CoreEvalConfig.BuiltinReconstructionBatches, CoreEvalConfig.BuiltinSparsityVarianceBatches, 64),
                     (core.Stream.BatchSizePrompts, core.Stream.NReconstructionBatches, core.Stream.NSparsityVarianceBatches, core.Stream.ContextSize));
        var item = plan.Items.Single(i => i.Kind == StageTable.EvaluateCore && i.Name == "a");
        Assert.Equal(["sae", "model", "reference"], item.Inputs.Keys.Select(r => r.Name));
        Assert.Contains("core/b", plan.Items.Single(i => i.Kind == StageTable.Report).Inputs.Keys.Select(r => r.Name));
        Assert.Contains("sparse_probing/b", plan.Items.Single(i => i.Kind == StageTable.Report).Inputs.Keys.Select(r => r.Name));
    }

    /// <summary>
    /// SAEBench casts the SAE to the model's dtype in core, SCR/TPP and sparse probing (docs/saebench.md §0): a bf16
    /// model's SAE is evaluated in bf16 unless evals.sae_dtype says float32; NCES, ours, stays float32.
    /// </summary>
    [Fact]
    public void TheSaeIsEvaluatedInTheModelsDtypeUnlessFloat32IsAsked()
    {
        using var dir = new TempDir();
        string bf16 = Valid.Replace("model: builtin:micro", "model: {builtin: micro, dtype: bfloat16}");
        string Dtype(PipelinePlan plan, StageKind kind) => Params<EvaluateCoreParams>(plan, "a", kind).Subject.SaeDtype;
        Assert.Equal("float32", Dtype(Plan(dir, Valid), StageTable.EvaluateCore));
        var plan = Plan(dir, bf16);
        Assert.Equal("bfloat16", Dtype(plan, StageTable.EvaluateCore));
        Assert.Equal("bfloat16", Runtime.Json.Deserialize<Evals.SparseProbing.EvaluateSparseProbingParams>(
            plan.Items.Single(i => i.Name == "a" && i.Kind == StageTable.EvaluateSparseProbing).Params, "a").Subject.SaeDtype);
        Assert.Equal("float32", Dtype(Plan(dir, bf16, "evals.sae_dtype=float32"), StageTable.EvaluateCore));
    }

    /// <summary>The sparsity/variance rows follow the reconstruction rows (SAEBench), unless reuse_reconstruction_rows asks otherwise.</summary>
    [Fact]
    public void TheSparsityRowsFollowTheReconstructionRowsByDefault()
    {
        using var dir = new TempDir();
        var saebench = Params<EvaluateCoreParams>(Plan(dir, Valid), "a", StageTable.EvaluateCore).Stream;
        Assert.False(saebench.ReuseReconstructionRows);
        Assert.Equal(CoreEvalConfig.BuiltinReconstructionBatches + CoreEvalConfig.BuiltinSparsityVarianceBatches, saebench.Batches);
        Assert.True(saebench.IsSparsityVariance(CoreEvalConfig.BuiltinReconstructionBatches) && !saebench.IsSparsityVariance(0));
        var reuse = Params<EvaluateCoreParams>(Plan(dir, Valid, "evals.core.reuse_reconstruction_rows=true"), "a", StageTable.EvaluateCore).Stream;
        Assert.Equal(CoreEvalConfig.BuiltinSparsityVarianceBatches, reuse.Batches);
        Assert.True(reuse.IsSparsityVariance(0) && reuse.IsReconstruction(0));
    }

    [Fact]
    public void ASettingMakesStaleOnlyWhatReadsIt()
    {
        using var dir = new TempDir();
        Dictionary<string, string> Ids(params string[] overrides) =>
            Plan(dir, Valid, overrides).Items.ToDictionary(i => $"{i.Kind.Target}/{i.Name}", i => i.Id);
        var before = Ids();
        // The report shows the config, so any setting changes it; what matters here is which results rerun.
        string[] Changed(Dictionary<string, string> after) =>
            before.Keys.Where(k => before[k] != after[k] && !k.StartsWith("Report/", StringComparison.Ordinal)).Order().ToArray();

        // Keeping special tokens' activations is a splice setting: the shared passes stay.
        Assert.Equal(["EvaluateCore/a", "EvaluateCore/b"], Changed(Ids("evals.core.exclude_special_tokens_from_reconstruction=false")));
        // More sparsity batches are more rows for the shared passes and every SAE.
        Assert.Equal(["CacheActivations/mixed-core", "EvaluateCore/a", "EvaluateCore/b"], Changed(Ids("evals.core.n_eval_sparsity_variance_batches=8")));
        // k values are probe settings: the labelled caches stay, the language model's probes and every SAE's evaluation rerun.
        var k = Changed(Ids("evals.sparse_probing.k_values=[1,2]"));
        Assert.DoesNotContain(k, x => x.StartsWith("CacheActivations/", StringComparison.Ordinal));
        Assert.Contains("TrainProbes/sparse_probing-news", k);
        Assert.Contains("EvaluateSparseProbing/a", k);
    }

    [Fact]
    public void MistakesNameTheKey()
    {
        Assert.Contains("'bias_in_bios_class_set9' is not one of SAEBench's sparse-probing data sets",
                        SingleError(Valid.Replace("bias_in_bios_class_set3", "bias_in_bios_class_set9")).Message);
        var k = SingleError(Valid.Replace("train_set_size: 400", "train_set_size: 400\n    k_values: [1, 3]"));
        Assert.Equal("evals.sparse_probing.k_values", k.KeyPath);
        Assert.Contains("3: SAEBench's JSON has keys only for k in 1, 2, 5, 10, 20, 50, 100", k.Message);
        Assert.Contains("ag_news needs ag_news data, but 'mixed' is text data",
                        SingleError(Valid.Replace("sources: {ag_news: news}", "sources: {ag_news: mixed}")).Message);
        Assert.Contains("evals.core.dataset: 'nowhere' is neither listed under datasets: nor a built-in data set",
                        SingleError(Valid.Replace("core: {}", "core: {dataset: nowhere}")).Message);
        var zero = SingleError(Valid.Replace("core: {}", "core: {batch_size_prompts: 0}"));
        Assert.Equal("evals.core.batch_size_prompts", zero.KeyPath);
    }
}
