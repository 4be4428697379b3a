using System.Text;
using SaePipeline.Formats;
using SaePipeline.Runtime;
using static TorchSharp.torch;

namespace SaePipeline.Tests;

public sealed class SafetensorsTests
{
    [Fact]
    public void ReadsHuggingFaceGoldensLikeNumpyDoes()
    {
        // goldens.safetensors and logits.npy were written by Python from the same tensors (tests/fixtures/README.md).
        var tensors = Safetensors.Load(Fixtures.Golden("gpt2", "golden", "goldens.safetensors"));
        using var expected = Npy.Read(Fixtures.Golden("gpt2", "golden", "logits.npy"));
        var logits = tensors["logits"];
        Assert.Equal(expected.shape, logits.shape);
        Assert.Equal(expected.data<float>().ToArray(), logits.data<float>().ToArray());
        using var ids = Npy.Read(Fixtures.Golden("gpt2", "golden", "input_ids.npy"));
        Assert.Equal(ScalarType.Int64, ids.dtype);
        Assert.Equal(ScalarType.Int64, tensors["input_ids"].dtype);
        Assert.Equal(ids.shape, tensors["input_ids"].shape);
        Assert.Equal(ids.data<long>().ToArray(), tensors["input_ids"].data<long>().ToArray());
    }

    [Fact]
    public void ReadsBf16CheckpointAsTheRoundedFloat32Weights()
    {
        var f32 = Safetensors.Load(Fixtures.Golden("gpt2", "model", "model.safetensors"));
        var bf16 = Safetensors.Load(Fixtures.Golden("gpt2_bf16", "model", "model.safetensors"));
        var name = bf16.Keys.First(k => bf16[k].dtype == ScalarType.BFloat16 && f32.ContainsKey(k));
        // bfloat16 keeps 8 significand bits: each value is within 2^-8 relative of the float32 one.
        var a = f32[name].to(float32);
        var b = bf16[name].to(float32);
        Assert.True((a - b).abs().le(a.abs() * (1.0 / 256) + 1e-30).all().item<bool>());
        Assert.False(a.eq(b).all().item<bool>());
    }

    [Fact]
    public void RoundTripKeepsNamesShapesDtypesValuesAndMetadata()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "t.safetensors");
        var original = new Dictionary<string, Tensor>
        {
            ["W_enc"] = arange(12, dtype: float32).reshape(3, 4),
            ["b"] = tensor(new[] { 1.5, -2.0 }),
            ["idx"] = tensor(new long[] { 7, 8, 9 }),
            ["half"] = tensor(new float[] { 0.5f, 3.25f }).to(bfloat16),
        };
        Safetensors.Save(path, original, new Dictionary<string, string> { ["format"] = "pt" });
        var loaded = Safetensors.Load(path);
        Assert.Equal(original.Keys.Order(), loaded.Keys.Order());
        foreach (var (k, t) in original)
        {
            Assert.Equal(t.dtype, loaded[k].dtype);
            Assert.Equal(t.shape, loaded[k].shape);
            Assert.True(t.eq(loaded[k]).all().item<bool>(), k);
        }
        Assert.Equal("pt", Safetensors.ReadHeader(path).Metadata["format"]);
        // The data section starts 8-byte aligned, as HuggingFace's writer makes it.
        Assert.Equal(0, Safetensors.ReadHeader(path).DataStart % 8);
    }

    [Fact]
    public void WritesTheByteLayoutOfTheSpecification()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "t.safetensors");
        Safetensors.Save(path, new Dictionary<string, Tensor> { ["x"] = tensor(new float[] { 1f, 2f }) });
        var bytes = File.ReadAllBytes(path);
        long n = BitConverter.ToInt64(bytes, 0);
        string header = Encoding.UTF8.GetString(bytes, 8, (int)n).TrimEnd();
        Assert.Equal("""{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", header);
        Assert.Equal(1f, BitConverter.ToSingle(bytes, 8 + (int)n));
        Assert.Equal(2f, BitConverter.ToSingle(bytes, 12 + (int)n));
    }

    [Fact]
    public void TruncatedFileIsReportedWithItsPathAndTensor()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "t.safetensors");
        Safetensors.Save(path, new Dictionary<string, Tensor> { ["W_dec"] = ones(64, 64) });
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 100)]);
        var e = Assert.Throws<PipelineException>(() => Safetensors.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("'W_dec'", e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void GarbageHeaderIsReportedWithItsPath()
    {
        using var dir = new TempDir();
        string path = dir.File("bad.safetensors", "this is not a safetensors file at all");
        var e = Assert.Throws<PipelineException>(() => Safetensors.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("not a valid safetensors file", e.Message);
    }
}
