using SaePipeline.Config;

namespace SaePipeline.Tests;

/// <summary>
/// Bad pipeline files: each must fail with its own code, the key path, the line and column of the offending node and
/// a message a person can act on. Line numbers refer to <see cref="Valid"/> as edited by each case.
/// </summary>
public sealed class ConfigValidationTests
{
    const string Valid = """
        name: t
        seed: 1
        synthetic:
          n_features: 32
          d_in: 16
          n_tokens: 10000
        sae_defaults:
          d_sae: 64
        saes:
          - name: a
            l1_coefficient: 0.01
          - name: b
            l1_coefficient: 0.02
        """;

    static ConfigError SingleError(string yaml, params string[] overrides)
    {
        var errors = Errors(yaml, overrides);
        Assert.Single(errors);
        return errors[0];
    }

    static IReadOnlyList<ConfigError> Errors(string yaml, params string[] overrides)
    {
        using var dir = new TempDir();
        string path = dir.File("pipeline.yaml", yaml);
        var e = Assert.Throws<ConfigException>(() => PipelineConfigLoader.Load(path, overrides));
        Assert.All(e.Errors, err => Assert.False(err.IsWarning));
        return e.Errors;
    }

    static void AssertError(ConfigError e, string code, string keyPath, int line, int column, string fragment)
    {
        Assert.Equal(code, e.Code);
        Assert.Equal(keyPath, e.KeyPath);
        Assert.Equal((line, column), (e.Location.Line, e.Location.Column));
        Assert.Contains(fragment, e.Message);
        Assert.EndsWith("pipeline.yaml", e.Location.File);
    }

    [Fact]
    public void ValidFileLoads()
    {
        using var dir = new TempDir();
        var loaded = PipelineConfigLoader.Load(dir.File("pipeline.yaml", Valid));
        Assert.Equal(["a", "b"], loaded.Config.Saes.Select(s => s.Name));
        Assert.All(loaded.Config.Saes, s => Assert.Equal(64, s.DSae));   // filled from sae_defaults
        Assert.Equal(0.02, loaded.Config.Saes[1].L1Coefficient);
    }

    [Fact]
    public void UnknownTopLevelKeySuggestsTheNearestOne() =>
        AssertError(SingleError(Valid.Replace("seed: 1", "sedd: 1")), ConfigCodes.UnknownKey, "sedd", 2, 1, "unknown key 'sedd' (did you mean 'seed'?)");

    [Fact]
    public void UnknownNestedKey() =>
        AssertError(SingleError(Valid.Replace("  n_features: 32", "  n_featurs: 32")), ConfigCodes.UnknownKey, "synthetic.n_featurs", 4, 3, "did you mean 'n_features'?");

    [Fact]
    public void UnknownKeyInAnSaeEntryIsAddressedByName() =>
        AssertError(SingleError(Valid.Replace("    l1_coefficient: 0.02", "    l1_coef: 0.02")), ConfigCodes.UnknownKey, "saes.b.l1_coef", 13, 5, "did you mean 'l1_coefficient'?");

    [Fact]
    public void UnknownKeyInSaeDefaultsIsReportedOnceAtItsOwnLine()
    {
        var e = SingleError(Valid.Replace("  d_sae: 64", "  d_sae: 64\n  learning_rate: 0.1"));
        AssertError(e, ConfigCodes.UnknownKey, "sae_defaults.learning_rate", 9, 3, "unknown key 'learning_rate'");
    }

    [Fact]
    public void IntegerExpected() =>
        AssertError(SingleError(Valid.Replace("seed: 1", "seed: abc")), ConfigCodes.WrongType, "seed", 2, 7, "expected an integer, got 'abc'");

    [Fact]
    public void FractionWhereAnIntegerIsExpected() =>
        AssertError(SingleError(Valid.Replace("  d_sae: 64", "  d_sae: 64.5")), ConfigCodes.WrongType, "sae_defaults.d_sae", 8, 10, "expected an integer, got '64.5'");

    [Fact]
    public void NumberExpected() =>
        AssertError(SingleError(Valid.Replace("l1_coefficient: 0.01", "l1_coefficient: lots")), ConfigCodes.WrongType, "saes.a.l1_coefficient", 11, 21, "expected a number, got 'lots'");

    [Fact]
    public void MappingExpected() =>
        AssertError(SingleError(Valid.Replace("synthetic:\n  n_features: 32\n  d_in: 16\n  n_tokens: 10000", "synthetic: 5")),
            ConfigCodes.WrongType, "synthetic", 3, 12, "expected a mapping");

    [Fact]
    public void ListExpected()
    {
        string yaml = Valid[..Valid.IndexOf("saes:", StringComparison.Ordinal)] + "saes: {a: 1}\n";
        AssertError(SingleError(yaml), ConfigCodes.WrongType, "saes", 9, 7, "expected a list");
    }

    [Fact]
    public void EnumValueListsTheChoices() =>
        AssertError(SingleError(Valid.Replace("seed: 1", "seed: 1\ndevice: gpu")), ConfigCodes.WrongType, "device", 3, 9, "expected one of auto, cpu, cuda, got 'gpu'");

    [Fact]
    public void NegativeL1Coefficient() =>
        AssertError(SingleError(Valid.Replace("l1_coefficient: 0.01", "l1_coefficient: -0.5")), ConfigCodes.OutOfRange, "saes.a.l1_coefficient", 11, 21, "must be ≥ 0, got -0.5");

    [Fact]
    public void ZeroFeatures() =>
        AssertError(SingleError(Valid.Replace("n_features: 32", "n_features: 0")), ConfigCodes.OutOfRange, "synthetic.n_features", 4, 15, "must be ≥ 1, got 0");

    [Fact]
    public void ExclusiveUpperBound() =>
        AssertError(SingleError(Valid.Replace("  n_tokens: 10000", "  n_tokens: 10000\n  correlation:\n    strength: 1.0")),
            ConfigCodes.OutOfRange, "synthetic.correlation.strength", 8, 15, "must be < 1, got 1");

    [Fact]
    public void MissingRequiredKeyIsReportedForEveryEntryThatLacksIt()
    {
        var errors = Errors(Valid.Replace("sae_defaults:\n  d_sae: 64\n", ""));
        Assert.Equal(2, errors.Count);
        AssertError(errors[0], ConfigCodes.MissingRequired, "saes.a.d_sae", 8, 5, "missing required key 'd_sae'");
        AssertError(errors[1], ConfigCodes.MissingRequired, "saes.b.d_sae", 10, 5, "missing required key 'd_sae'");
    }

    [Fact]
    public void MissingRequiredSection() =>
        AssertError(SingleError(Valid[..Valid.IndexOf("saes:", StringComparison.Ordinal)]), ConfigCodes.MissingRequired, "saes", 1, 1, "missing required key 'saes'");

    [Fact]
    public void EmptySaeList()
    {
        string yaml = Valid[..Valid.IndexOf("saes:", StringComparison.Ordinal)] + "saes: []\n";
        AssertError(SingleError(yaml), ConfigCodes.OutOfRange, "saes", 9, 7, "needs at least 1 entry, got 0");
    }

    [Fact]
    public void DuplicateSaeNamePointsAtTheSecondAndNamesTheFirst()
    {
        var e = SingleError(Valid.Replace("  - name: b", "  - name: a"));
        AssertError(e, ConfigCodes.DuplicateName, "saes.a", 12, 11, "duplicate SAE name 'a' (first used at");
        Assert.Contains("pipeline.yaml(10,11)", e.Message);
    }

    [Fact]
    public void NameWithADotIsRejected() =>
        AssertError(SingleError(Valid.Replace("  - name: b", "  - name: b.v2")), ConfigCodes.OutOfRange, "saes[1].name", 12, 11, "'b.v2' is not a valid name");

    [Fact]
    public void YamlSyntaxError()
    {
        var e = SingleError(Valid.Replace("  d_in: 16", "  d_in: 16\n  bad: [1, 2\n  n_x: 3"));
        Assert.Equal(ConfigCodes.Syntax, e.Code);
        Assert.Contains("invalid YAML", e.Message);
    }

    [Fact]
    public void DuplicateYamlKey()
    {
        var e = SingleError(Valid.Replace("seed: 1", "seed: 1\nseed: 2"));
        Assert.Equal(ConfigCodes.Syntax, e.Code);
        Assert.Contains("Duplicate key", e.Message);
        Assert.Equal(3, e.Location.Line);
    }

    [Fact]
    public void KeyThatDoesNotApplyToTheChosenDistribution() =>
        AssertError(SingleError(Valid.Replace("  n_tokens: 10000", "  n_tokens: 10000\n  firing:\n    distribution: geometric\n    exponent: 2")),
            ConfigCodes.Inconsistent, "synthetic.firing.exponent", 9, 15, "applies to distribution: zipf only");

    [Fact]
    public void TooFewTrainingTokensForOneStep() =>
        AssertError(SingleError(Valid.Replace("  d_sae: 64", "  d_sae: 64\n  batch_size: 4096\n  training_tokens: 100")),
            ConfigCodes.Inconsistent, "sae_defaults.training_tokens", 10, 20, "must be at least batch_size (4096)");

    [Fact]
    public void MoreActiveFeaturesThanFeatures() =>
        AssertError(SingleError(Valid.Replace("  n_tokens: 10000", "  n_tokens: 10000\n  firing:\n    mean_active: 40")),
            ConfigCodes.OutOfRange, "synthetic.firing", 8, 5, "mean_active (40) cannot exceed n_features (32)");

    [Fact]
    public void SeveralMistakesAreReportedTogether()
    {
        var errors = Errors(Valid.Replace("seed: 1", "seed: -1").Replace("l1_coefficient: 0.01", "l1_coefficient: x"));
        Assert.Equal(["seed", "saes.a.l1_coefficient"], errors.Select(e => e.KeyPath));
    }

    [Fact]
    public void MissingFile()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<ConfigException>(() => PipelineConfigLoader.Load(Path.Combine(dir.Path, "nope.yaml")));
        Assert.Equal(ConfigCodes.MissingFile, e.Errors[0].Code);
        Assert.Contains("nope.yaml", e.Errors[0].Location.File);
    }

    [Fact]
    public void ErrorLineIsInMsBuildCanonicalForm()
    {
        string line = SingleError(Valid.Replace("seed: 1", "sedd: 1")).ToString();
        Assert.Matches(@"pipeline\.yaml\(2,1\): error SAE1001: sedd: unknown key 'sedd'", line);
    }
}
