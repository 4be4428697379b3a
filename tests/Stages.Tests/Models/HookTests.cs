using SaePipeline.Models;
using SaePipeline.Runtime;
using static TorchSharp.torch;

namespace SaePipeline.Tests.Models;

/// <summary>Hook points, replace hooks, stopping early and padding, checked against properties that must hold exactly.</summary>
public sealed class HookTests
{
    [Fact]
    public void ZeroAblatingGemma2ResidPostAnywhereGivesUniformPredictions()
    {
        // RMSNorm(0) = 0, so zeros stay zeros through every later block (attention reads v = 0, the MLP gives gelu(0)·0),
        // the logits are 0 even after the softcap, and the CE is exactly ln(V).
        using var scope = NewDisposeScope();
        var golden = Golden.Load("gemma2");
        using var model = ModelLoader.Load(Fixtures.Golden("gemma2", "model"), ScalarType.Float32, CPU);
        for (int layer = 0; layer < model.Dims.NLayers; layer++)
        {
            using var result = model.Forward(golden.InputIds, null, new ForwardRequest
            {
                Logits = true, Loss = true,
                Replace = new Dictionary<string, HookReplacement> { [$"blocks.{layer}.hook_resid_post"] = HookReplacement.ZeroAblation() },
            });
            Assert.Equal(0.0, result.Logits!.abs().max().item<float>());
            Assert.Equal(Math.Log(model.Dims.VocabSize), result.MeanLoss(), 1e-6);
        }
    }

    [Theory]
    [InlineData("gpt2")]
    [InlineData("gpt_neox")]
    [InlineData("gemma2")]
    public void IdentityReplacementLeavesLogitsBitIdentical(string fixture)
    {
        using var scope = NewDisposeScope();
        var golden = Golden.Load(fixture);
        using var model = ModelLoader.Load(Fixtures.Golden(fixture, "model"), ScalarType.Float32, CPU);
        using var clean = model.Forward(golden.InputIds, null, new ForwardRequest { Logits = true });
        var somePositions = rand(golden.InputIds.shape, generator: new Generator(1)).lt(0.5);
        var identity = model.HookNames.ToDictionary(n => n, n => new HookReplacement(x => x.clone(), somePositions));
        using var hooked = model.Forward(golden.InputIds, null, new ForwardRequest { Logits = true, Replace = identity });
        Assert.True(clean.Logits!.eq(hooked.Logits!).all().item<bool>());
    }

    [Theory]
    [InlineData("gpt2")]
    [InlineData("gpt_neox")]
    [InlineData("gemma2")]
    public void ReplacingLaterPositionsCannotChangeEarlierOnes(string fixture)
    {
        // Attention is causal: ablating positions ≥ 10 at layer 0 moves their logits and leaves positions < 10 alone.
        using var scope = NewDisposeScope();
        var golden = Golden.Load(fixture);
        using var model = ModelLoader.Load(Fixtures.Golden(fixture, "model"), ScalarType.Float32, CPU);
        long t = golden.InputIds.shape[1];
        var later = arange(t).ge(10).unsqueeze(0).expand(golden.InputIds.shape);
        using var clean = model.Forward(golden.InputIds, null, new ForwardRequest { Logits = true });
        using var ablated = model.Forward(golden.InputIds, null, new ForwardRequest
        {
            Logits = true,
            Replace = new Dictionary<string, HookReplacement> { ["blocks.0.hook_mlp_out"] = HookReplacement.ZeroAblation(later) },
        });
        Assert.True(clean.Logits![.., ..10].eq(ablated.Logits![.., ..10]).all().item<bool>());
        Assert.True(ModelGoldenTests.MaxAbsDiff(clean.Logits[.., 10..], ablated.Logits[.., 10..]) > 1e-3);
    }

    [Theory]
    [InlineData("gpt2")]
    [InlineData("gpt_neox")]
    [InlineData("gemma2")]
    public void StoppingEarlyGivesTheFullRunsActivations(string fixture)
    {
        using var scope = NewDisposeScope();
        var golden = Golden.Load(fixture);
        using var model = ModelLoader.Load(Fixtures.Golden(fixture, "model"), ScalarType.Float32, CPU);
        string[] hooks = ["blocks.0.hook_resid_post", "blocks.0.hook_attn_out", "blocks.0.hook_mlp_out", "blocks.1.hook_resid_pre"];
        using var full = model.Forward(golden.InputIds, null, new ForwardRequest { Logits = true, Capture = hooks });
        using var early = model.Forward(golden.InputIds, null, new ForwardRequest { Capture = hooks, StopAtLayer = 1 });
        foreach (var h in hooks) Assert.True(full.Activations[h].eq(early.Activations[h]).all().item<bool>(), h);
        Assert.Null(early.Logits);
        // resid_pre of block 1 is resid_post of block 0, and a block adds exactly attn_out and mlp_out.
        Assert.True(full.Activations["blocks.1.hook_resid_pre"].eq(full.Activations["blocks.0.hook_resid_post"]).all().item<bool>());
        using var embed = model.Forward(golden.InputIds, null, new ForwardRequest { Capture = ["blocks.0.hook_resid_pre"] });
        var sum = embed.Activations["blocks.0.hook_resid_pre"] + full.Activations["blocks.0.hook_attn_out"] + full.Activations["blocks.0.hook_mlp_out"];
        Assert.True(ModelGoldenTests.MaxAbsDiff(sum, full.Activations["blocks.0.hook_resid_post"]) < 1e-5);
        var error = Assert.Throws<PipelineException>(() => model.Forward(golden.InputIds, null,
            new ForwardRequest { Capture = ["blocks.1.hook_resid_post"], StopAtLayer = 0 }));
        Assert.Contains("past StopAtLayer 0", error.Message);
    }

    [Theory]
    [InlineData("gpt2")]
    [InlineData("gpt_neox")]
    [InlineData("gemma2")]
    public void RightPaddedRowsMatchTheirUnpaddedRuns(string fixture)
    {
        // Row 0 keeps its 24 tokens, row 1 only its first 7 (Gemma's sliding window is 8, so both regimes are covered).
        using var scope = NewDisposeScope();
        var golden = Golden.Load(fixture);
        using var model = ModelLoader.Load(Fixtures.Golden(fixture, "model"), ScalarType.Float32, CPU);
        var ids = golden.InputIds[..2].clone();
        var mask = ones_like(ids);
        mask[1, 7..] = tensor(0L);
        ids[1, 7..] = tensor(0L);   // whatever sits in the padding must not matter
        using var padded = model.Forward(ids, mask, new ForwardRequest { Logits = true, Loss = true });
        using var row1 = model.Forward(golden.InputIds[1..2, ..7], null, new ForwardRequest { Logits = true, Loss = true });
        Assert.True(ModelGoldenTests.MaxAbsDiff(padded.Logits![0], golden.Logits[0]) < 1e-4);
        Assert.True(ModelGoldenTests.MaxAbsDiff(padded.Logits[1, ..7], row1.Logits![0]) < 1e-5);
        Assert.False(padded.LossMask![1, 6..].any().item<bool>());
        Assert.Equal(6 + 23, padded.LossMask.sum().item<long>());
        double expected = (row1.TokenLoss!.sum().item<float>() + padded.TokenLoss![0].sum().item<float>()) / 29.0;
        Assert.Equal(expected, padded.MeanLoss(), 1e-5);
    }

    [Fact]
    public void UnknownHookNamesListTheValidOnes()
    {
        using var model = ModelLoader.Load(Fixtures.Golden("gpt2", "model"), ScalarType.Float32, CPU);
        using var ids = zeros(1, 4, ScalarType.Int64);
        var error = Assert.Throws<PipelineException>(() => model.Forward(ids, null, new ForwardRequest { Capture = ["blocks.2.hook_resid_post"] }));
        Assert.Contains("unknown hook point 'blocks.2.hook_resid_post'", error.Message);
        Assert.Contains("blocks.{0..1}.hook_resid_pre|hook_attn_out|hook_mlp_out|hook_resid_post", error.Message);
        error = Assert.Throws<PipelineException>(() => model.Forward(ids, null, new ForwardRequest { Capture = ["blocks.0.hook_resid_mid"] }));
        Assert.Contains("unknown hook point", error.Message);
    }

    [Fact]
    public void BadInputsAreRejectedClearly()
    {
        using var model = ModelLoader.Load(Fixtures.Golden("gpt2", "model"), ScalarType.Float32, CPU);
        using var ids = tensor(new long[] { 1, 2, 97 }).view(1, 3);
        var error = Assert.Throws<PipelineException>(() => model.Forward(ids, null, new ForwardRequest { Logits = true }));
        Assert.Contains("token id 97 is outside this model's vocabulary [0, 97)", error.Message);
        using var ok = tensor(new long[] { 1, 2, 3 }).view(1, 3);
        using var leftPadded = tensor(new long[] { 0, 1, 1 }).view(1, 3);
        error = Assert.Throws<PipelineException>(() => model.Forward(ok, leftPadded, new ForwardRequest { Logits = true }));
        Assert.Contains("right padding", error.Message);
        using var tooLong = zeros(1, 65, ScalarType.Int64);
        error = Assert.Throws<PipelineException>(() => model.Forward(tooLong, null, new ForwardRequest { Logits = true }));
        Assert.Contains("65 positions exceed", error.Message);
    }
}
