using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using SaePipeline.Config;
using SaePipeline.Formats;
using SaePipeline.Runtime;
using SaePipeline.Sae;
using static TorchSharp.torch;

namespace SaePipeline.Tests;

/// <summary>
/// SAELens folders and Gemma Scope files: what we save loads back to the same encoder and decoder; folders written the
/// way SAELens v6 and pre-6.0 write them, and a params.npz, load to the SAE their tensors define; broken ones fail
/// with the file and the key or tensor named.
/// </summary>
public sealed class SaeLensFormatTests
{
    internal const int DIn = 6, DSae = 10;

    internal static Tensor Inputs() => randn([12, DIn], generator: new Generator(21));

    static SparseAutoencoder Trained(SaeArchitecture architecture)
    {
        var config = new SaeConfig { Name = "t", Architecture = architecture, DSae = DSae, K = 3, GroupFractions = [0.3, 0.7] };
        var sae = SaeInitialization.Create(config, DIn, TorchRuntime.Generator(4, "test/init"), CPU);
        using var noGrad = no_grad();
        foreach (var p in sae.Parameters.Where(p => p.Tensor.ndim == 1)) p.Tensor.copy_(randn(p.Tensor.shape, generator: new Generator(22)).abs() * 0.2);
        if (sae is BatchTopKSae b) b.Threshold.fill_(0.15f);
        return sae;
    }

    [Theory]
    [InlineData(SaeArchitecture.Relu, "standard")]
    [InlineData(SaeArchitecture.AprilUpdate, "standard")]
    [InlineData(SaeArchitecture.Topk, "topk")]
    [InlineData(SaeArchitecture.BatchTopk, "jumprelu")]
    [InlineData(SaeArchitecture.Jumprelu, "jumprelu")]
    [InlineData(SaeArchitecture.Gated, "gated")]
    [InlineData(SaeArchitecture.MatryoshkaBatchTopk, "jumprelu")]
    [InlineData(SaeArchitecture.PAnneal, "standard")]
    public void SavedThenLoadedEncodesAndDecodesIdentically(SaeArchitecture architecture, string saeLensName)
    {
        using var dir = new TempDir();
        using var sae = Trained(architecture);
        SaeLensFormat.Save(dir.Path, sae, new JsonObject { ["note"] = "test" });
        var (loaded, cfg) = SaeLensFormat.Load(dir.Path, CPU);
        using (loaded)
        {
            Assert.Equal(saeLensName, cfg["architecture"]!.GetValue<string>());
            Assert.Equal(sae.ApplyBDecToInput, cfg["apply_b_dec_to_input"]!.GetValue<bool>());
            // Every tensor round-trips bit for bit; the products agree to round-off only, because a trained SAE keeps
            // W_enc latent-major (SaeInitialization.EncoderParam) and a loaded one as the file stores it, so their
            // matmuls sum in different orders.
            var file = Safetensors.Load(Path.Combine(dir.Path, SaeLensFormat.WeightsFile));
            foreach (var t in sae.SaeLensTensors)
                Assert.True(file[t.Name].eq(t.Tensor.detach()).all().item<bool>(), $"{t.Name} as saved");
            foreach (var t in loaded.SaeLensTensors)
                Assert.True(file[t.Name].eq(t.Tensor).all().item<bool>(), $"{t.Name} as loaded");
            var x = Inputs();
            AssertClose(sae.Encode(x).detach(), loaded.Encode(x), "encode");
            AssertClose(sae.Reconstruct(x).detach(), loaded.Reconstruct(x), "decode");
        }
        var names = Safetensors.ReadHeader(Path.Combine(dir.Path, SaeLensFormat.WeightsFile)).Tensors.Select(t => t.Name).Order(StringComparer.Ordinal).ToList();
        string[] expected = saeLensName switch
        {
            "gated" => ["W_dec", "W_enc", "b_dec", "b_gate", "b_mag", "r_mag"],
            "jumprelu" => ["W_dec", "W_enc", "b_dec", "b_enc", "threshold"],
            _ => ["W_dec", "W_enc", "b_dec", "b_enc"],
        };
        Assert.Equal(expected, names);
    }

    static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        double scale = Math.Max(1e-3, expected.abs().max().item<float>());
        double error = (expected - actual).abs().max().item<float>();
        Assert.True(error <= 1e-6 * scale, $"{what}: max difference {error:G3} at scale {scale:G3}");
    }

    /// <summary>Writes cfg.json and the named tensors (float32, or bfloat16 as some hub SAEs are stored).</summary>
    internal static void WriteFolder(string dir, string cfg, IReadOnlyDictionary<string, Tensor> tensors)
    {
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "cfg.json"), cfg);
        Safetensors.Save(Path.Combine(dir, "sae_weights.safetensors"), tensors);
    }

    internal static Dictionary<string, Tensor> Standard(int seed, ScalarType dtype = ScalarType.Float32) => new()
    {
        ["W_enc"] = randn([DIn, DSae], generator: new Generator((ulong)seed)).to(dtype),
        ["b_enc"] = randn([DSae], generator: new Generator((ulong)seed + 1)).to(dtype),
        ["W_dec"] = randn([DSae, DIn], generator: new Generator((ulong)seed + 2)).to(dtype),
        ["b_dec"] = randn([DIn], generator: new Generator((ulong)seed + 3)).to(dtype),
    };

    [Fact]
    public void AV6TopKFolderInBfloat16LoadsAndEncodesAsTopK()
    {
        using var dir = new TempDir();
        var t = Standard(30, ScalarType.BFloat16);
        WriteFolder(dir.Path, $$"""
            {"architecture": "topk", "d_in": {{DIn}}, "d_sae": {{DSae}}, "k": 2, "dtype": "bfloat16", "device": "cuda",
             "apply_b_dec_to_input": true, "normalize_activations": "none", "reshape_activations": "none",
             "metadata": {"sae_lens_version": "6.18.0", "hook_name": "blocks.3.hook_resid_post", "model_name": "pythia-70m"} }
            """, t);
        var (sae, cfg) = SaeLensFormat.Load(dir.Path, CPU);
        using (sae)
        {
            var topK = Assert.IsType<TopKSae>(sae);
            Assert.Equal(2, topK.K);
            var x = Inputs();
            var pre = (x - t["b_dec"].to(float32)).matmul(t["W_enc"].to(float32)) + t["b_enc"].to(float32);
            var expected = TopKSae.KeepTopK(pre, 2);
            Assert.True((sae.Encode(x) - expected).abs().max().item<float>() < 1e-5);
            Assert.Equal("blocks.3.hook_resid_post", cfg["metadata"]!["hook_name"]!.GetValue<string>());
        }
    }

    [Fact]
    public void APre6FlatConfigWithLegacyKeysLoads()
    {
        using var dir = new TempDir();
        var t = Standard(40);
        t["scaling_factor"] = ones([DSae]);   // old files carry it; all ones is a no-op
        WriteFolder(dir.Path, $$"""
            {"d_in": {{DIn}}, "d_sae": {{DSae}}, "activation_fn_str": "topk", "activation_fn_kwargs": {"k": 3},
             "hook_point": "blocks.8.hook_resid_pre", "hook_point_layer": 8, "hook_point_head_index": null,
             "apply_b_dec_to_input": false, "normalize_activations": false, "model_name": "gpt2-small",
             "context_size": 128, "dtype": "float32", "sae_lens_version": "3.5.0"}
            """, t);
        var (sae, cfg) = SaeLensFormat.Load(dir.Path, CPU);
        using (sae)
        {
            var topK = Assert.IsType<TopKSae>(sae);
            Assert.Equal(3, topK.K);
            Assert.False(sae.ApplyBDecToInput);
            Assert.Equal("topk", cfg["architecture"]!.GetValue<string>());
            Assert.Equal("none", cfg["normalize_activations"]!.GetValue<string>());
            Assert.Equal("blocks.8.hook_resid_pre", cfg["metadata"]!["hook_name"]!.GetValue<string>());
            var x = Inputs();
            var expected = TopKSae.KeepTopK(x.matmul(t["W_enc"]) + t["b_enc"], 3);   // no b_dec subtraction
            Assert.True((sae.Encode(x) - expected).abs().max().item<float>() < 1e-5);
        }

        // The same flat config with a ReLU is a standard SAE.
        File.WriteAllText(Path.Combine(dir.Path, "cfg.json"), $$"""{"d_in": {{DIn}}, "d_sae": {{DSae}}, "activation_fn_str": "relu", "hook_point": "blocks.0.hook_resid_pre"}""");
        var (relu, _) = SaeLensFormat.Load(dir.Path, CPU);
        using (relu) Assert.IsType<ReluSae>(relu);
    }

    [Fact]
    public void GemmaScopeParamsNpzLoadsAsAJumpReluWithoutBDecSubtraction()
    {
        using var dir = new TempDir();
        var arrays = new Dictionary<string, Tensor>
        {
            ["W_enc"] = randn([DIn, DSae], generator: new Generator(50)),
            ["W_dec"] = randn([DSae, DIn], generator: new Generator(51)),
            ["b_enc"] = randn([DSae], generator: new Generator(52)) * 0.1,
            ["b_dec"] = randn([DIn], generator: new Generator(53)),
            ["threshold"] = rand([DSae], generator: new Generator(54)),
        };
        string file = Path.Combine(dir.Path, "params.npz");
        using (var zip = ZipFile.Open(file, ZipArchiveMode.Create))
            foreach (var (name, t) in arrays)
                using (var entry = zip.CreateEntry(name + ".npy", CompressionLevel.NoCompression).Open())
                    WriteNpy(entry, t);
        var (sae, cfg) = GemmaScope.Load(dir.Path, CPU);
        using (sae)
        {
            Assert.IsType<JumpReluSae>(sae);
            Assert.False(cfg["apply_b_dec_to_input"]!.GetValue<bool>());
            var x = Inputs();
            var pre = x.matmul(arrays["W_enc"]) + arrays["b_enc"];
            var expected = pre.relu() * pre.gt(arrays["threshold"]);
            Assert.True((sae.Encode(x) - expected).abs().max().item<float>() < 1e-5);
            Assert.True((sae.Decode(expected) - (expected.matmul(arrays["W_dec"]) + arrays["b_dec"])).abs().max().item<float>() < 1e-5);
        }
    }

    /// <summary>A version-1 .npy of a float32 C-order array, as numpy.save writes it.</summary>
    static void WriteNpy(Stream stream, Tensor t)
    {
        string shape = t.ndim == 1 ? $"({t.shape[0]},)" : $"({string.Join(", ", t.shape)})";
        string header = $"{{'descr': '<f4', 'fortran_order': False, 'shape': {shape}, }}";
        int total = 10 + header.Length + 1;
        header = header.PadRight(header.Length + (64 - total % 64) % 64) + "\n";
        stream.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        stream.Write(BitConverter.GetBytes((ushort)header.Length));
        stream.Write(Encoding.Latin1.GetBytes(header));
        stream.Write(t.contiguous().bytes);
    }

    [Fact]
    public void AWrongShapeAMissingTensorAndAMissingKeyNameTheFileAndWhat()
    {
        using var dir = new TempDir();
        string cfg = $$"""{"architecture": "standard", "d_in": {{DIn}}, "d_sae": {{DSae}}, "apply_b_dec_to_input": true, "normalize_activations": "none"}""";
        var t = Standard(60);
        t["W_dec"] = randn([DSae, DIn + 1]);
        WriteFolder(dir.Path, cfg, t);
        var e = Assert.Throws<PipelineException>(() => SaeLensFormat.Load(dir.Path, CPU));
        Assert.Contains("sae_weights.safetensors: tensor 'W_dec' has shape [10, 7], expected [10, 6]", e.Message);

        t = Standard(60);
        t.Remove("b_enc");
        WriteFolder(dir.Path, cfg, t);
        e = Assert.Throws<PipelineException>(() => SaeLensFormat.Load(dir.Path, CPU));
        Assert.Contains("missing tensor 'b_enc'", e.Message);

        WriteFolder(dir.Path, """{"architecture": "jumprelu", "d_sae": 10}""", Standard(60));
        e = Assert.Throws<PipelineException>(() => SaeLensFormat.Load(dir.Path, CPU));
        Assert.Contains("cfg.json: missing key 'd_in'", e.Message);

        WriteFolder(dir.Path, cfg.Replace("\"none\"", "\"layer_norm\""), Standard(60));
        e = Assert.Throws<PipelineException>(() => SaeLensFormat.Load(dir.Path, CPU));
        Assert.Contains("normalize_activations 'layer_norm'", e.Message);

        File.Delete(Path.Combine(dir.Path, "sae_weights.safetensors"));
        e = Assert.Throws<PipelineException>(() => SaeLensFormat.Load(dir.Path, CPU));
        Assert.Contains("missing sae_weights.safetensors", e.Message);
    }
}
