using SaePipeline.Config;
using SaePipeline.Sae;

namespace SaePipeline.Tests;

/// <summary>Architecture keys, sweeps and imported SAEs in pipeline.yaml: what they expand to, and how mistakes are reported.</summary>
public sealed class SaeConfigTests
{
    const string Head = """
        name: t
        seed: 1
        synthetic:
          n_features: 32
          d_in: 16
          n_tokens: 10000
        sae_defaults:
          d_sae: 64
          l1_coefficient: 0.05
        saes:

        """;

    static LoadedConfig Load(string saes, params string[] overrides)
    {
        using var dir = new TempDir();
        return PipelineConfigLoader.Load(dir.File("pipeline.yaml", Head + saes), overrides);
    }

    static IReadOnlyList<ConfigError> Errors(string saes, params string[] overrides)
    {
        using var dir = new TempDir();
        string path = dir.File("pipeline.yaml", Head + saes);
        return Assert.Throws<ConfigException>(() => PipelineConfigLoader.Load(path, overrides)).Errors;
    }

    [Fact]
    public void ASweepExpandsToTheProductInOrderWithNamesFromItsValues()
    {
        var loaded = Load("""
              - name: topk
                architecture: topk
                sweep:
                  k: [4, 8]
                  lr: [0.001, 3e-4]
              - name: plain
            """);
        Assert.Equal(["topk-k4-lr0p001", "topk-k4-lr3e-4", "topk-k8-lr0p001", "topk-k8-lr3e-4", "plain"], loaded.Config.Saes.Select(s => s.Name));
        var third = loaded.Config.Saes[2];
        Assert.Equal((SaeArchitecture.Topk, 8, 0.001, 64), (third.Architecture, third.K!.Value, third.Lr, third.DSae));
    }

    [Fact]
    public void ASweptKeyBeatsADefaultButNotAKeySetInTheEntry()
    {
        Assert.Equal([0.1, 0.2], Load("""
              - name: relu
                sweep: {l1_coefficient: [0.1, 0.2]}
            """).Config.Saes.Select(s => s.L1Coefficient));
        var e = Assert.Single(Errors("""
              - name: relu
                l1_coefficient: 0.3
                sweep: {l1_coefficient: [0.1, 0.2]}
            """));
        Assert.Equal((ConfigCodes.Inconsistent, "saes.relu.l1_coefficient", 12), (e.Code, e.KeyPath, e.Location.Line));
        Assert.Contains("both set here and swept", e.Message);
    }

    [Fact]
    public void ABadSweptValuePointsAtItsLineUnderTheExpandedName()
    {
        var e = Assert.Single(Errors("""
              - name: relu
                sweep:
                  l1_coefficient: [0.1, -1]
            """));
        Assert.Equal((ConfigCodes.OutOfRange, "saes.relu-l1_coefficient-1.l1_coefficient", 13), (e.Code, e.KeyPath, e.Location.Line));
    }

    [Fact]
    public void ASweepMustBeAMappingOfNonEmptyLists()
    {
        Assert.Contains("non-empty list", Assert.Single(Errors("""
              - name: relu
                sweep: {l1_coefficient: []}
            """)).Message);
        Assert.Contains("expected a mapping", Assert.Single(Errors("""
              - name: relu
                sweep: [1, 2]
            """)).Message);
    }

    [Fact]
    public void AnOverrideReachesTheSweepAsWritten()
    {
        var loaded = Load("""
              - name: topk
                architecture: topk
                sweep: {k: [4]}
            """, "saes.topk.sweep.k=[2, 16]");
        Assert.Equal(["topk-k2", "topk-k16"], loaded.Config.Saes.Select(s => s.Name));
    }

    [Fact]
    public void TopKNeedsKAndKeysOfOtherArchitecturesAreRefused()
    {
        var missing = Assert.Single(Errors("""
              - name: t
                architecture: topk
            """));
        Assert.Equal((ConfigCodes.MissingRequired, "saes.t.k"), (missing.Code, missing.KeyPath));

        var errors = Errors("""
              - name: j
                architecture: jumprelu
                k: 8
                resample_steps: 100
            """);
        Assert.Equal(["saes.j.k", "saes.j.resample_steps"], errors.Select(e => e.KeyPath).Order());
        Assert.All(errors, e => Assert.Contains("does not apply to architecture jumprelu", e.Message));
    }

    [Fact]
    public void ADefaultThatDoesNotApplyToAnEntryIsNotAnError()
    {
        // sae_defaults sets l1_coefficient, which a topk entry ignores rather than refuses.
        var loaded = Load("""
              - name: t
                architecture: topk
                k: 4
            """);
        Assert.Equal(4, loaded.Config.Saes[0].K);
    }

    [Fact]
    public void BatchTopKMustReachItsThresholdStartStep()
    {
        var e = Assert.Single(Errors("""
              - name: b
                architecture: batch_topk
                k: 4
                batch_size: 1000
                training_tokens: 100000
            """));
        Assert.Equal("saes.b.threshold_start_step", e.KeyPath);
        Assert.Contains("only 100 steps", e.Message);
    }

    [Fact]
    public void AnImportedSaeNeedsAnExistingPathAndNoTrainingKeys()
    {
        var errors = Errors("""
              - name: gemma
                path: no/such/folder
                architecture: jumprelu
            """);
        Assert.Equal(["saes.gemma.architecture", "saes.gemma.path"], errors.Select(e => e.KeyPath).Order());
        Assert.Contains(errors, e => e.Code == ConfigCodes.MissingFile && e.Message.Contains("no/such/folder"));
    }

    [Fact]
    public void ArchitectureDefaultsFollowThePublishedTrainers()
    {
        var c = new SaeConfig { Name = "x", DSae = 8 };
        SaeConfig As(SaeArchitecture a) => c with { Architecture = a };
        Assert.Equal((0.9, (double?)null), (c.EffectiveAdamBeta1(), c.EffectiveMaxGradNorm()));
        Assert.Equal((0.0, (double?)1.0), (As(SaeArchitecture.Jumprelu).EffectiveAdamBeta1(), As(SaeArchitecture.Jumprelu).EffectiveMaxGradNorm()));
        Assert.Equal((0.0, (double?)null), (As(SaeArchitecture.Gated).EffectiveAdamBeta1(), As(SaeArchitecture.Gated).EffectiveMaxGradNorm()));
        Assert.Equal(1.0, As(SaeArchitecture.Topk).EffectiveMaxGradNorm());
        Assert.Equal(1.0, As(SaeArchitecture.AprilUpdate).EffectiveMaxGradNorm());
        Assert.False(As(SaeArchitecture.AprilUpdate).ConstrainedDecoder());
        Assert.True(As(SaeArchitecture.Gated).ConstrainedDecoder());
        Assert.Equal(64, c.EffectiveAuxK(128));
        Assert.Equal(0.5, (c with { AdamBeta1 = 0.5, Architecture = SaeArchitecture.Gated }).EffectiveAdamBeta1());
        Assert.Equal(["l1 0.1", "k 32", "target L0 20", "l0 2"],
            new[] { c, As(SaeArchitecture.BatchTopk) with { K = 32 }, As(SaeArchitecture.Jumprelu) with { TargetL0 = 20 }, As(SaeArchitecture.Jumprelu) with { L0Coefficient = 2 } }
                .Select(x => x.SparsityLabel()));
    }

    [Fact]
    public void EveryArchitectureHasOneDefinitionWhoseModelAndObjectiveItMakes()
    {
        Assert.Equal(Enum.GetValues<SaeArchitecture>().Order(), SaeArchitectures.All.Select(a => a.Id).Order());
        foreach (var definition in SaeArchitectures.All)
        {
            var config = new SaeConfig { Name = "x", DSae = 32, Architecture = definition.Id, K = 2 };   // 32: room for Matryoshka's default groups
            using var generator = SaePipeline.Runtime.TorchRuntime.Generator(1, "test");
            using var sae = SaeInitialization.Create(config, 4, generator, TorchSharp.torch.CPU);
            Assert.Equal(definition.SaeLensName, sae.SaeLensArchitecture);
            Assert.IsAssignableFrom<SaeObjective>(SaeObjective.Create(config, sae));
        }
        // A model of the wrong type for the architecture is refused by name.
        using var g = SaePipeline.Runtime.TorchRuntime.Generator(1, "test");
        using var relu = SaeInitialization.Create(new SaeConfig { Name = "x", DSae = 8 }, 4, g, TorchSharp.torch.CPU);
        var e = Assert.Throws<ArgumentException>(() => SaeObjective.Create(new SaeConfig { Name = "x", DSae = 8, Architecture = SaeArchitecture.Topk, K = 2 }, relu));
        Assert.Contains("no objective trains a ReluSae as topk", e.Message);
    }

    [Fact]
    public void MatryoshkaGroupFractionsMustBePositiveSumToOneAndGiveEveryGroupALatent()
    {
        IReadOnlyList<ConfigError> Matryoshka(string keys) => Errors($"""
              - name: m
                architecture: matryoshka_batch_topk
                k: 4
                threshold_start_step: 100
            {keys}
            """);
        var sum = Assert.Single(Matryoshka("    group_fractions: [0.5, 0.4]"));
        Assert.Equal((ConfigCodes.OutOfRange, "saes.m.group_fractions"), (sum.Code, sum.KeyPath));
        Assert.Contains("must sum to 1", sum.Message);
        Assert.Contains("must be > 0", Assert.Single(Matryoshka("    group_fractions: [0.5, 0.6, -0.1]")).Message);
        var crowded = Assert.Single(Matryoshka("    d_sae: 4\n    group_fractions: [0.2, 0.2, 0.2, 0.2, 0.2]"));
        Assert.Equal((ConfigCodes.Inconsistent, "saes.m.group_fractions"), (crowded.Code, crowded.KeyPath));
        Assert.Contains("5 groups need at least 5 latents, but d_sae is 4", crowded.Message);
        // d_sae 16 and the suite's fractions: ⌊16/32⌋ = 0 latents for the first group.
        Assert.Contains("the default group_fractions", Assert.Single(Matryoshka("    d_sae: 16")).Message);
        var weights = Assert.Single(Matryoshka("    group_weights: [0.5, 0.5]"));
        Assert.Equal((ConfigCodes.Inconsistent, "saes.m.group_weights"), (weights.Code, weights.KeyPath));
        Assert.Contains("must be > 0", Assert.Single(Matryoshka("    group_fractions: [0.5, 0.5]\n    group_weights: [1, 0]")).Message);

        var loaded = Load("""
              - name: m
                architecture: matryoshka_batch_topk
                k: 4
                threshold_start_step: 100
                group_fractions: [0.25, 0.75]
                group_weights: [1, 2]
            """).Config.Saes[0];
        Assert.Equal((SaeArchitecture.MatryoshkaBatchTopk, 0.25, 2.0), (loaded.Architecture, loaded.GroupFractions![0], loaded.GroupWeights![1]));
    }

    [Fact]
    public void PAnnealNeedsPEndInZeroToOneAndItsJumpsWithinTraining()
    {
        // 2,097,152 training tokens / 4096 rows = 512 steps.
        IReadOnlyList<ConfigError> PAnneal(string keys) => Errors($"""
              - name: p
                architecture: p_anneal
            {keys}
            """);
        foreach (var (value, message) in new[] { ("0", "must be > 0"), ("-0.5", "must be > 0"), ("1.5", "must be ≤ 1") })
        {
            var e = Assert.Single(PAnneal($"    p_end: {value}"));
            Assert.Equal((ConfigCodes.OutOfRange, "saes.p.p_end"), (e.Code, e.KeyPath));
            Assert.Contains(message, e.Message);
        }
        var late = Assert.Single(PAnneal("    anneal_start: 512"));
        Assert.Equal((ConfigCodes.Inconsistent, "saes.p.anneal_start"), (late.Code, late.KeyPath));
        Assert.Contains("only 512 steps", late.Message);
        var crowded = Assert.Single(PAnneal("    anneal_start: 505"));   // 10 jumps, 7 steps
        Assert.Equal((ConfigCodes.Inconsistent, "saes.p.n_sparsity_updates"), (crowded.Code, crowded.KeyPath));

        var loaded = Load("""
              - name: p
                architecture: p_anneal
                l1_coefficient: 0.2
                p_end: 1
                anneal_start: 500
                n_sparsity_updates: 12
            """).Config.Saes[0];
        Assert.Equal((SaeArchitecture.PAnneal, 0.2, 1.0, 500L, 12), (loaded.Architecture, loaded.L1Coefficient, loaded.PEnd!.Value, loaded.AnnealStart!.Value, loaded.NSparsityUpdates!.Value));
    }

    [Fact]
    public void MatryoshkaAndPAnnealKeysAreRefusedOnOtherArchitectures()
    {
        var errors = Errors("""
              - name: r
                p_end: 0.5
                anneal_start: 10
              - name: b
                architecture: batch_topk
                k: 4
                threshold_start_step: 100
                group_fractions: [0.5, 0.5]
              - name: p
                architecture: p_anneal
                k: 4
                group_weights: [1]
              - name: m
                architecture: matryoshka_batch_topk
                k: 4
                threshold_start_step: 100
                n_sparsity_updates: 3
            """);
        Assert.Equal(["saes.b.group_fractions", "saes.m.n_sparsity_updates", "saes.p.group_weights", "saes.p.k", "saes.r.anneal_start", "saes.r.p_end"],
            errors.Select(e => e.KeyPath).Order());
        Assert.Contains(errors, e => e.Message.Contains("does not apply to architecture p_anneal"));
        Assert.Contains(errors, e => e.Message.Contains("does not apply to architecture matryoshka_batch_topk"));
    }

    [Fact]
    public void MatryoshkaAndPAnnealDefaultsFollowDictionaryLearning()
    {
        var matryoshka = new SaeConfig { Name = "m", DSae = 1024, Architecture = SaeArchitecture.MatryoshkaBatchTopk, K = 32 };
        var anneal = new SaeConfig { Name = "p", DSae = 1024, Architecture = SaeArchitecture.PAnneal };
        Assert.Equal("matryoshka_batch_topk", SaePipeline.Runtime.Json.ToNode(matryoshka.Architecture).GetValue<string>());
        Assert.Equal("p_anneal", SaePipeline.Runtime.Json.ToNode(anneal.Architecture).GetValue<string>());
        Assert.Equal(["k 32", "l1 0.1, p → 0.2"], new[] { matryoshka, anneal }.Select(c => c.SparsityLabel()));
        Assert.Equal((0.9, (double?)1.0, true), (matryoshka.EffectiveAdamBeta1(), matryoshka.EffectiveMaxGradNorm(), matryoshka.ConstrainedDecoder()));
        Assert.Equal((0.9, (double?)null, true), (anneal.EffectiveAdamBeta1(), anneal.EffectiveMaxGradNorm(), anneal.ConstrainedDecoder()));
        Assert.Equal([1.0 / 32, 1.0 / 16, 1.0 / 8, 1.0 / 4, 17.0 / 32], matryoshka.EffectiveGroupFractions());
        Assert.Equal(Enumerable.Repeat(0.2, 5), matryoshka.EffectiveGroupWeights());
        Assert.Equal((0.2, 256L, 10), (anneal.EffectivePEnd(), anneal.EffectiveAnnealStart(), anneal.EffectiveSparsityUpdates()));   // 512 steps
        // Left at their defaults, the new keys are not in an SAE's params, so other SAEs' fingerprints and metadata stay as they were.
        var written = SaePipeline.Runtime.Json.ToNode(new SaeConfig { Name = "r", DSae = 8 }).AsObject();
        Assert.DoesNotContain(written, kv => kv.Key is "group_fractions" or "group_weights" or "p_end" or "anneal_start" or "n_sparsity_updates");
        Assert.Contains(written, kv => kv.Key == "l1_coefficient");
    }
}
