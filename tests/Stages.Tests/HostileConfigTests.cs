using System.Text;
using SaePipeline.Config;

namespace SaePipeline.Tests;

/// <summary>
/// Pipeline files a hostile or careless user writes, each first seen crashing or misreported (issue 19): long and
/// newline-ending names, alias bombs, deep nesting, huge files, sizes that cannot fit in memory, tabs, and several
/// mistakes at once. Each must be a named error at its line, found before anything runs.
/// </summary>
public sealed class HostileConfigTests
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
        """;

    static IReadOnlyList<ConfigError> Errors(string yaml)
    {
        using var dir = new TempDir();
        string path = dir.File("pipeline.yaml", yaml);
        return Assert.Throws<ConfigException>(() => PipelineConfigLoader.Load(path)).Errors;
    }

    [Theory]
    [InlineData(101)]
    [InlineData(300)]
    public void ANameLongerThanTheLimitIsRefused(int length)
    {
        string name = "a" + new string('b', length - 1);
        var e = Assert.Single(Errors(Valid.Replace("  - name: a", $"  - name: {name}")));
        Assert.Equal((ConfigCodes.OutOfRange, 10, 11), (e.Code, e.Location.Line, e.Location.Column));
        Assert.Contains($"({length} characters) is not a valid name", e.Message);
        Assert.Contains("at most 100 characters", e.Message);

        var experiment = Assert.Single(Errors(Valid.Replace("name: t", $"name: {name}")));
        Assert.Equal(("name", 1), (experiment.KeyPath, experiment.Location.Line));
    }

    [Fact]
    public void ANameOfExactlyTheLimitLoads()
    {
        using var dir = new TempDir();
        string name = new('a', Names.MaxLength);
        Assert.Equal(name, PipelineConfigLoader.Load(dir.File("p.yaml", Valid.Replace("  - name: a", $"  - name: {name}"))).Config.Saes[0].Name);
    }

    [Fact]
    public void ANameEndingInANewlineIsRefusedAndShownOnOneLine()
    {
        var e = Assert.Single(Errors(Valid.Replace("  - name: a", "  - name: \"a\\n\"")));
        Assert.Equal((ConfigCodes.OutOfRange, "saes[0].name"), (e.Code, e.KeyPath));
        Assert.Contains(@"'a\n' is not a valid name", e.Message);
        Assert.DoesNotContain('\n', e.ToString());
    }

    /// <summary>Ten nested levels of ten aliases each: 10¹⁰ nodes when expanded, a few hundred bytes written.</summary>
    static string AliasBomb(bool asKey)
    {
        var text = new StringBuilder("l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i <= 10; i++)
            text.Append($"l{i}: &l{i} [{string.Join(", ", Enumerable.Repeat($"*l{i - 1}", 10))}]\n");
        text.Append(asKey ? "? *l10\n: 1\n" : "bomb: *l10\n");
        return Valid + "\n" + text;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AnAliasBombIsRefusedBeforeItIsExpanded(bool asKey)
    {
        var e = Assert.Single(Errors(AliasBomb(asKey)));
        Assert.Equal(ConfigCodes.Syntax, e.Code);
        Assert.Contains("more than 1,000,000 nodes", e.Message);
        Assert.InRange(e.Location.Line, 12, 24);
    }

    [Fact]
    public void ARecursiveAliasIsRefused()
    {
        var e = Assert.Single(Errors(Valid + "\nloop: &x [1, *x]\n"));
        Assert.Contains("refers to a node that contains it", e.Message);
    }

    [Fact]
    public void DeepNestingIsRefusedWithoutOverflowingTheStack()
    {
        var e = Assert.Single(Errors(Valid + "\ndeep: " + new string('[', 100_000) + "\n"));
        Assert.Equal(ConfigCodes.Syntax, e.Code);
        Assert.Equal(12, e.Location.Line);
        Assert.Contains("nested more than 64 deep", e.Message);
    }

    [Fact]
    public void AFileLargerThanTheLimitIsRefusedUnread()
    {
        var e = Assert.Single(Errors(Valid + "\n# " + new string('x', 5 << 20) + "\n"));
        Assert.Equal(ConfigCodes.Syntax, e.Code);
        Assert.Contains("at most 4,194,304", e.Message);
    }

    [Fact]
    public void ATabInTheIndentationIsReportedAtItsLine()
    {
        var e = Assert.Single(Errors(Valid.Replace("    l1_coefficient: 0.01", "\tl1_coefficient: 0.01")));
        Assert.Equal((ConfigCodes.Syntax, 11, 1), (e.Code, e.Location.Line, e.Location.Column));
        Assert.Contains("tab", e.Message);
    }

    [Fact]
    public void AnSaeThatCannotFitInMemoryIsRefusedAtPlanTimeWithTheEstimate()
    {
        var e = Assert.Single(Errors(Valid.Replace("  d_sae: 64", "  d_sae: 2_000_000_000")));
        Assert.Equal((ConfigCodes.OutOfRange, "sae_defaults.d_sae", 8), (e.Code, e.KeyPath, e.Location.Line));
        Assert.Matches(@"needs about [\d.,]+ GiB \(weights and gradients [\d.,]+ GiB, Adam [\d.,]+ GiB, one batch [\d.,]+ GiB", e.Message);
        Assert.Contains("but this machine has", e.Message);
    }

    [Fact]
    public void TheEstimateAddsUpTheTrainingStepsTensors()
    {
        // d_in 16, d_sae 64, batch 256, buffer 1024: 2·16·64 + 64 + 16 = 2,128 parameters.
        var sae = new SaeConfig { Name = "a", DSae = 64, BatchSize = 256, ShuffleBufferRows = 1024 };
        var m = MemoryEstimate.TrainSae(sae, 16);
        Assert.Equal(2_128 * 4 * 2, m.Parameters);
        Assert.Equal(2_128 * 4 * 2, m.Optimizer);
        Assert.Equal(256L * 4 * (6 * 64 + 4 * 16), m.Batch);
        Assert.Equal(1024L * 16 * 4, m.ShuffleBuffer);
        Assert.Equal(m.Parameters + m.Optimizer + m.Batch + m.ShuffleBuffer + MemoryEstimate.RuntimeBytes, m.Total);
    }

    [Fact]
    public void DeepNestingInAnOverrideIsRefusedWithoutOverflowingTheStack()
    {
        using var dir = new TempDir();
        string path = dir.File("pipeline.yaml", Valid);
        var e = Assert.Single(Assert.Throws<ConfigException>(() => PipelineConfigLoader.Load(path, ["seed=" + new string('[', 100_000)])).Errors);
        Assert.Equal("seed", e.KeyPath);
        Assert.Contains("expected an integer, got '[[[[", e.Message);
        Assert.Contains("(100000 characters)", e.Message);
    }

    [Fact]
    public void AnEmptyListKeySaysAListIsExpected()
    {
        var e = Assert.Single(Errors(Valid[..Valid.IndexOf("saes:", StringComparison.Ordinal)] + "saes:\n"));
        Assert.Equal(("saes", "expected a list, got nothing (null)"), (e.KeyPath, e.Message));
    }

    [Fact]
    public void AnAliasToNoAnchorIsReportedAtTheAlias()
    {
        var e = Assert.Single(Errors(Valid + "\nextra: *nowhere\n"));
        Assert.Equal((12, "the alias *nowhere refers to no anchor &nowhere defined before it"), (e.Location.Line, e.Message));
    }

    [Fact]
    public void EveryMistakeIsReportedEvenWhenSaesIsMissing()
    {
        string yaml = """
            name: t
            sed: 1
            synthetic:
              n_features: 0
              d_in: 16
              n_tokens: 10000
            sae_defaults:
              d_sae: 64
              lr: -1
            """;
        var paths = Errors(yaml).Select(e => e.KeyPath).Order().ToList();
        Assert.Equal(["sae_defaults.lr", "saes", "sed", "synthetic.n_features"], paths);
    }
}
