using System.Text.Json.Nodes;
using SaePipeline.Formats;
using SaePipeline.Models;
using static TorchSharp.torch;

namespace SaePipeline.Tests.Models;

/// <summary>
/// Our forward passes against HuggingFace transformers' own outputs on tiny random-weight checkpoints
/// (tests/fixtures/README.md): logits, every block's raw output (resid_post) and input (resid_pre = HF
/// hidden_states[i]), and the loss, at the fixtures' suggested tolerances (atol 1e-4, loss 1e-5).
/// </summary>
public sealed class ModelGoldenTests
{
    public static TheoryData<string> AllFixtures => new() { "gpt2", "gpt_neox", "gemma2", "gpt2_bf16", "gpt_neox_bf16", "gemma2_bf16" };

    [Theory]
    [MemberData(nameof(AllFixtures))]
    public void Float32ForwardMatchesHuggingFace(string fixture)
    {
        using var scope = NewDisposeScope();
        var golden = Golden.Load(fixture);
        using var model = ModelLoader.Load(Fixtures.Golden(fixture, "model"), ScalarType.Float32, CPU);
        int layers = model.Dims.NLayers;
        Assert.Equal(golden.LayerOutputs.shape[0], layers);
        var hooks = Enumerable.Range(0, layers).SelectMany(l => new[] { $"blocks.{l}.hook_resid_pre", $"blocks.{l}.hook_resid_post" }).ToList();
        using var result = model.Forward(golden.InputIds, null, new ForwardRequest { Logits = true, Loss = true, Capture = hooks });

        Assert.True(MaxAbsDiff(result.Logits!, golden.Logits) <= 1e-4, $"logits differ by {MaxAbsDiff(result.Logits!, golden.Logits):E2}");
        for (int l = 0; l < layers; l++)
        {
            double post = MaxAbsDiff(result.Activations[$"blocks.{l}.hook_resid_post"], golden.LayerOutputs[l]);
            double pre = MaxAbsDiff(result.Activations[$"blocks.{l}.hook_resid_pre"], golden.HiddenStates[l]);
            Assert.True(post <= 1e-4, $"layer {l} output differs by {post:E2}");
            Assert.True(pre <= 1e-4, $"layer {l} input differs by {pre:E2}");
        }
        Assert.Equal(golden.Loss, result.MeanLoss(), 1e-5);
    }

    [Theory]
    [InlineData("gpt2_bf16")]
    [InlineData("gpt_neox_bf16")]
    [InlineData("gemma2_bf16")]
    public void Bfloat16ComputeIsAsCloseToFloat32AsHuggingFacesOwn(string fixture)
    {
        // HF ran the same bf16 weights end to end in bfloat16 (logits_bf16_compute.npy); how far that lands from the
        // float32 run is the scale of bf16 rounding. Ours must land no further (libtorch versions round differently,
        // so element-wise equality with HF's bf16 run is not expected).
        using var scope = NewDisposeScope();
        var golden = Golden.Load(fixture);
        var hfBf16 = Safetensors.Load(Fixtures.Golden(fixture, "golden", "goldens.safetensors")).GetValueOrDefault("logits_bf16_compute")
                     ?? Npy.Read(Fixtures.Golden(fixture, "golden", "logits_bf16_compute.npy"));
        double hfError = MaxAbsDiff(hfBf16, golden.Logits);
        using var model = ModelLoader.Load(Fixtures.Golden(fixture, "model"), ScalarType.BFloat16, CPU);
        using var result = model.Forward(golden.InputIds, null, new ForwardRequest { Logits = true, Loss = true });
        double ours = MaxAbsDiff(result.Logits!, golden.Logits);
        Assert.True(ours <= 1.5 * hfError, $"bf16 logits are {ours:F3} from float32; HF's bf16 run is {hfError:F3}");
        Assert.True(ours > 0, "bf16 compute gave exactly the float32 logits: the model did not run in bf16");
        Assert.Equal(golden.Loss, result.MeanLoss(), 0.05);
    }

    internal static double MaxAbsDiff(Tensor a, Tensor b) =>
        (a.to(ScalarType.Float64) - b.to(ScalarType.Float64)).abs().max().item<double>();
}

/// <summary>One fixture's goldens (goldens.safetensors holds the .npy arrays under the same names).</summary>
internal sealed record Golden(Tensor InputIds, Tensor Logits, Tensor HiddenStates, Tensor LayerOutputs, double Loss)
{
    public static Golden Load(string fixture)
    {
        var t = Safetensors.Load(Fixtures.Golden(fixture, "golden", "goldens.safetensors"));
        var meta = JsonNode.Parse(File.ReadAllText(Fixtures.Golden(fixture, "golden", "meta.json")))!;
        double loss = t["loss"].to(ScalarType.Float64).item<double>();
        Assert.Equal((double)meta["loss"]!, loss, 1e-6);
        return new Golden(t["input_ids"], t["logits"], t["hidden_states"], t["layer_outputs"], loss);
    }
}
