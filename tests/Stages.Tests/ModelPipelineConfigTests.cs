using SaePipeline.Artifacts;
using SaePipeline.Config;
using SaePipeline.Data;
using SaePipeline.Plan;

namespace SaePipeline.Tests;

/// <summary>pipeline.yaml for a model pipeline: the model shorthand, activations, data sets and their mistakes.</summary>
public sealed class ModelPipelineConfigTests
{
    const string Valid = """
        name: t
        model: builtin:micro
        activations:
          hook: blocks.1.hook_resid_post
          context: 64
          n_tokens: 8192
          labelled: [bias_in_bios, reviews]
        datasets:
          reviews:
            kind: amazon_reviews
            train_rows: 100
          bias_in_bios:
            gender_profession_correlation: 0.5
        saes:
          - name: a
            d_sae: 64
            l1_coefficient: 0.01
        """;

    static LoadedConfig Load(TempDir dir, string yaml) => PipelineConfigLoader.Load(dir.File("pipeline.yaml", yaml));

    static ConfigError SingleError(string yaml)
    {
        using var dir = new TempDir();
        var e = Assert.Throws<ConfigException>(() => Load(dir, yaml));
        return Assert.Single(e.Errors, x => !x.IsWarning);
    }

    [Theory]
    [InlineData("model: builtin:tiny", 1.0)]                          // the preset's planted spelling
    [InlineData("model: builtin:micro", 0.0)]
    [InlineData("model: {builtin: tiny, spelling: 0}", 0.0)]          // the built-in model before absorption, as experiments/*.yaml pin it
    [InlineData("model: {builtin: micro, spelling: 0.5}", 0.5)]
    public void PlantedSpellingIsThePresetsUnlessTheConfigSaysOtherwise(string modelLine, double expected)
    {
        using var dir = new TempDir();
        var plan = PipelinePlanner.Build(Load(dir, Valid.Replace("model: builtin:micro", modelLine)), Path.Combine(dir.Path, "notes.txt"));
        var prepare = plan.Items.Single(i => i.Kind == StageTable.PrepareModel);
        Assert.Equal(expected, prepare.Params["builtin"]!["spelling_scale"]!.GetValue<double>());
    }

    [Fact]
    public void ShorthandAndDatasetsBindAndResolve()
    {
        using var dir = new TempDir();
        var loaded = Load(dir, Valid);
        var c = loaded.Config;
        Assert.Equal("micro", c.Model!.Builtin);
        Assert.Null(c.Model.Path);
        Assert.Equal(["reviews", "bias_in_bios"], c.Datasets.Keys);

        var reviews = DatasetResolver.Resolve(c, "reviews", dir.Path);
        Assert.Equal(("amazon_reviews", "amazon_reviews", 100, DatasetResolver.DefaultTestRows), (reviews.Kind, reviews.Generator, reviews.TrainRows, reviews.TestRows));
        var bios = DatasetResolver.Resolve(c, "bias_in_bios", dir.Path);
        Assert.Equal(0.5, bios.GenderProfessionCorrelation);
        var corpus = DatasetResolver.Resolve(c, "mixed", dir.Path);   // activations.corpus defaults to the built-in mixed corpus
        Assert.Equal((DatasetKind.Text.Name, "mixed"), (corpus.Kind, corpus.Generator));

        var plan = PipelinePlanner.Build(loaded, Path.Combine(dir.Path, "notes.txt"));
        Assert.Equal(["PrepareModel/model", "CacheActivations/mixed", "CacheActivations/bias_in_bios", "CacheActivations/reviews", "TrainSae/a", "Report/t"],
            plan.Items.Select(i => $"{i.Kind.Target}/{i.Name}").ToArray());
        Assert.All(plan.Items.Where(i => i.Kind == StageTable.CacheActivations), i => Assert.Same(plan.Items[0], i.Inputs[new InputRole("model")]));
    }

    [Fact]
    public void FileDatasetsAreFingerprintedSoAnEditReruns()
    {
        using var dir = new TempDir();
        dir.File("bios/train.jsonl", "{\"hard_text\": \"x\", \"profession\": 1, \"gender\": 0}\n");
        string yaml = Valid.Replace("""
              bias_in_bios:
                gender_profession_correlation: 0.5
            """, """
              bias_in_bios:
                train: bios/train.jsonl
                columns: {text: hard_text}
            """);
        var first = Load(dir, yaml);
        var spec = DatasetResolver.Resolve(first.Config, "bias_in_bios", dir.Path);
        Assert.Equal(Path.Combine(dir.Path, "bios/train.jsonl"), spec.TrainFile);
        Assert.Null(spec.Generator);
        Assert.Equal("hard_text", spec.Columns!["text"]);
        string Id() => PipelinePlanner.Build(Load(dir, yaml), "notes.txt").Items.Single(i => i.Name == "bias_in_bios").Id;
        string before = Id();
        dir.File("bios/train.jsonl", "{\"hard_text\": \"y\", \"profession\": 1, \"gender\": 0}\n");
        Assert.NotEqual(before, Id());
    }

    /// <summary>
    /// A checkpoint folder and a data file at other paths in another clone (or moved) are the same inputs: an item's
    /// fingerprint takes their names and contents, not where they are, so the shared cache serves both clones (issue 20).
    /// The specs still hold each clone's own paths, which is what the stages open.
    /// </summary>
    [Fact]
    public void CheckpointsAndDataFilesElsewhereKeepEveryId()
    {
        var plans = new List<Dictionary<string, PlanItem>>();
        var dirs = new[] { new TempDir(), new TempDir() };
        try
        {
            foreach (var dir in dirs)
            {
                dir.File("bios/train.jsonl", "{\"hard_text\": \"x\", \"profession\": 1, \"gender\": 0}\n");
                string checkpoint = Path.Combine(dir.Path, "models", "gpt2-tiny");
                Directory.CreateDirectory(checkpoint);
                foreach (var file in Directory.EnumerateFiles(Path.Combine(Fixtures.RepoRoot, "tests", "fixtures", "gpt2", "model")))
                    File.Copy(file, Path.Combine(checkpoint, Path.GetFileName(file)));
                string yaml = Valid
                    .Replace("model: builtin:micro", "model:\n  path: models/gpt2-tiny")
                    .Replace("""
                          bias_in_bios:
                            gender_profession_correlation: 0.5
                        """, """
                          bias_in_bios:
                            train: bios/train.jsonl
                            columns: {text: hard_text}
                        """);
                plans.Add(PipelinePlanner.Build(Load(dir, yaml), Path.Combine(dir.Path, "notes.txt")).Items.ToDictionary(i => $"{i.Kind.Target}/{i.Name}"));
            }
            Assert.Equal(plans[0].Keys, plans[1].Keys);
            Assert.All(plans[0].Keys, k => Assert.Equal(plans[0][k].Id, plans[1][k].Id));
            var (here, there) = (plans[0]["CacheActivations/bias_in_bios"].ToSpec(), plans[1]["CacheActivations/bias_in_bios"].ToSpec());
            Assert.Equal(Path.Combine(dirs[1].Path, "bios", "train.jsonl"), there.Params["dataset"]!["train_file"]!.GetValue<string>());
            Assert.NotEqual(here.Params.ToJsonString(), there.Params.ToJsonString());
            Assert.Equal(Path.Combine(dirs[1].Path, "models", "gpt2-tiny"), plans[1]["PrepareModel/model"].Params["source"]!.GetValue<string>());
        }
        finally
        {
            foreach (var dir in dirs) dir.Dispose();
        }
    }

    [Fact]
    public void AnUnknownPresetNamesTheAvailableOnes()
    {
        var e = SingleError(Valid.Replace("builtin:micro", "builtin:huge"));
        Assert.Equal(("model.builtin", 2), (e.KeyPath, e.Location.Line));
        Assert.Contains("unknown built-in model 'huge'; available: tiny, micro", e.Message);
    }

    [Fact]
    public void AnUnknownDatasetNameIsAnError()
    {
        var e = SingleError(Valid.Replace("[bias_in_bios, reviews]", "[bias_in_bios, review]"));
        Assert.Equal("activations", e.KeyPath);
        Assert.Contains("'review' is neither listed under datasets: nor a built-in data set", e.Message);
    }

    [Fact]
    public void AMissingDataFileIsAnErrorAtItsKey()
    {
        var e = SingleError(Valid.Replace("    kind: amazon_reviews\n", "    kind: amazon_reviews\n    train: nowhere.parquet\n"));
        Assert.Equal(ConfigCodes.MissingFile, e.Code);
        Assert.Equal("datasets.reviews.train", e.KeyPath);
        Assert.Contains("nowhere.parquet does not exist", e.Message);
    }

    [Fact]
    public void ActivationsNeedAModelAndExcludeSynthetic()
    {
        var noModel = SingleError(Valid.Replace("model: builtin:micro\n", ""));
        Assert.Equal("model", noModel.KeyPath);
        Assert.Contains("activations come from a model", noModel.Message);

        var both = SingleError(Valid + "\nsynthetic:\n  d_in: 8\n");
        Assert.Equal(ConfigCodes.Inconsistent, both.Code);
        Assert.Contains("either synthetic", both.Message);
    }

    [Fact]
    public void APlainTextDatasetCannotBeCachedAsLabelled()
    {
        var e = SingleError(Valid.Replace("[bias_in_bios, reviews]", "[bias_in_bios, mixed]").Replace("  n_tokens: 8192\n", "  n_tokens: 8192\n  corpus: reviews\n"));
        Assert.Contains("'mixed' is a plain text data set", e.Message);
    }
}
