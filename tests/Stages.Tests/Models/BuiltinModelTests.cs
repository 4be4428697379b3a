using SaePipeline.Config;
using SaePipeline.Formats;
using SaePipeline.Models;
using SaePipeline.Models.Builtin;
using SaePipeline.Models.Tokenizers;
using static TorchSharp.torch;

namespace SaePipeline.Tests.Models;

public sealed class BuiltinModelTests
{
    /// <summary>A shortened micro run (no CE bar): enough steps to move every weight.</summary>
    static readonly BuiltinModelSpec Short = BuiltinModels.Micro with
    {
        TokenizerDocuments = 500, HeldoutRows = 8, MaxHeldoutCeFraction = 1,
        Training = BuiltinModels.Micro.Training with { Steps = 20 },
    };

    [Fact]
    public void SameSeedSameFilesOtherSeedOtherWeights()
    {
        using var dir = new TempDir();
        string a = Path.Combine(dir.Path, "a"), b = Path.Combine(dir.Path, "b"), c = Path.Combine(dir.Path, "c");
        var ra = BuiltinModelBuilder.Build(Short, 1, a, CPU, _ => { }, "test");
        var rb = BuiltinModelBuilder.Build(Short, 1, b, CPU, _ => { }, "test");
        BuiltinModelBuilder.Build(Short, 2, c, CPU, _ => { }, "test");
        foreach (var file in new[] { "model.safetensors", "tokenizer.json", "config.json" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(a, file)), File.ReadAllBytes(Path.Combine(b, file)));
        Assert.Equal(ra.HeldoutCe, rb.HeldoutCe);
        Assert.NotEqual(File.ReadAllBytes(Path.Combine(a, "model.safetensors")), File.ReadAllBytes(Path.Combine(c, "model.safetensors")));

        // The folder is an ordinary HF checkpoint: the loader reads it and the tokenizer round-trips text.
        using var model = ModelLoader.Load(a, ScalarType.Float32, CPU);
        Assert.Equal(("gpt_neox", 64, 2), (model.Dims.Architecture, model.Dims.DModel, model.Dims.NLayers));
        var tokenizer = TokenizerLoader.Load(a);
        const string text = "She has worked as a nurse in Lyon since 2011.\n\tdef f(x): return x * 2";
        Assert.Equal(text, tokenizer.Decode(tokenizer.Encode(text)));
        Assert.Equal(tokenizer.Special.Bos, tokenizer.Special.Eos);
    }

    [Fact]
    public void MicroPresetClearsTheHeldOutBar()
    {
        using var dir = new TempDir();
        var report = BuiltinModelBuilder.Build(BuiltinModels.Micro, 42, dir.Path, CPU, _ => { }, "test");
        Assert.True(report.HeldoutCe <= 0.5 * Math.Log(report.VocabSize), $"held-out CE {report.HeldoutCe} vs ln V {Math.Log(report.VocabSize)}");
        // The curve falls: the last logged training CE is well below the first.
        Assert.True(report.Curve[^1].Loss < report.Curve[0].Loss - 1, string.Join(", ", report.Curve.Select(p => p.Loss)));
        Assert.True(File.Exists(Path.Combine(dir.Path, "model.safetensors")));
        Assert.Equal(report.Parameters, Safetensors.ReadHeader(Path.Combine(dir.Path, "model.safetensors")).Tensors.Sum(e => e.Shape.Aggregate(1L, (x, y) => x * y)));
    }
}
