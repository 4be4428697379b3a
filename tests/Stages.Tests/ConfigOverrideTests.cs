using SaePipeline.Config;

namespace SaePipeline.Tests;

/// <summary>-p:Set overrides: applied before validation, addressed by SAE name, errors naming the setting.</summary>
public sealed class ConfigOverrideTests
{
    const string Yaml = """
        seed: 1
        synthetic:
          n_features: 32
          d_in: 16
        sae_defaults:
          d_sae: 64
          lr: 0.001
        saes:
          - name: a
            l1_coefficient: 0.01
          - name: b
        """;

    static LoadedConfig Load(params string[] overrides)
    {
        using var dir = new TempDir();
        return PipelineConfigLoader.Load(dir.File("pipeline.yaml", Yaml), overrides);
    }

    static ConfigError Fail(params string[] overrides)
    {
        using var dir = new TempDir();
        var e = Assert.Throws<ConfigException>(() => PipelineConfigLoader.Load(dir.File("pipeline.yaml", Yaml), overrides));
        return Assert.Single(e.Errors);
    }

    [Fact]
    public void OverrideAnSaeByNameAndATopLevelKey()
    {
        var c = Load("saes.b.l1_coefficient=0.05", "seed=7").Config;
        Assert.Equal(7, c.Seed);
        Assert.Equal(0.01, c.Saes[0].L1Coefficient);
        Assert.Equal(0.05, c.Saes[1].L1Coefficient);
    }

    [Fact]
    public void OverrideOneEntryOfASharedDefaultLeavesTheOthers()
    {
        var c = Load("saes.a.lr=0.01").Config;
        Assert.Equal([0.01, 0.001], c.Saes.Select(s => s.Lr));
    }

    [Fact]
    public void OverrideTheDefaultsThemselves()
    {
        var c = Load("sae_defaults.d_sae=128").Config;
        Assert.All(c.Saes, s => Assert.Equal(128, s.DSae));
    }

    [Fact]
    public void OverrideCreatesANestedSection()
    {
        var c = Load("synthetic.firing.mean_active=3").Config;
        Assert.Equal(3, c.Synthetic!.Firing.MeanActive);
    }

    [Fact]
    public void UnknownSaeNameListsTheNames()
    {
        var e = Fail("saes.zzz.l1_coefficient=1");
        Assert.Equal(ConfigCodes.BadOverride, e.Code);
        Assert.Contains("no entry named 'zzz' (entries: a, b)", e.Message);
        Assert.Equal("-p:Set 'saes.zzz.l1_coefficient=1'", e.Location.File);
    }

    [Fact]
    public void OverrideValueIsValidatedLikeTheFileAndBlamesTheCommandLine()
    {
        var e = Fail("saes.a.l1_coefficient=-1");
        Assert.Equal(ConfigCodes.OutOfRange, e.Code);
        Assert.Equal("saes.a.l1_coefficient", e.KeyPath);
        Assert.Equal("-p:Set 'saes.a.l1_coefficient=-1': error SAE1003: saes.a.l1_coefficient: must be ≥ 0, got -1", e.ToString());
    }

    [Fact]
    public void OverrideWithoutEqualsSign() => Assert.Equal(ConfigCodes.BadOverride, Fail("seed").Code);

    [Fact]
    public void OverrideOfAnUnknownKeyIsAnUnknownKey()
    {
        var e = Fail("saes.a.l1_coef=1");
        Assert.Equal(ConfigCodes.UnknownKey, e.Code);
        Assert.Contains("did you mean 'l1_coefficient'?", e.Message);
    }
}
