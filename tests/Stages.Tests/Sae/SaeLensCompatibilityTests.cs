using System.Text.Json.Nodes;
using SaePipeline.Runtime;
using SaePipeline.Sae;
using static SaePipeline.Tests.SaeLensFormatTests;   // DIn, DSae, Standard, WriteFolder, Inputs
using static TorchSharp.torch;

namespace SaePipeline.Tests.Sae;

/// <summary>
/// Files as SAELens writes them load as SAELens loads them, and files we write load in SAELens and SAEBench with their
/// metadata: checked against hand-written configs in the exact shape SAELens 6.18 and 5.11 write, and against a
/// re-implementation of SAELens's loader decisions and SAEBench's hook-layer lookup (<see cref="SaeLensLoaderModel"/>).
/// </summary>
public sealed class SaeLensCompatibilityTests
{
    static JsonObject ReadCfg(string dir) => JsonNode.Parse(File.ReadAllText(Path.Combine(dir, SaeLensFormat.CfgFile)))!.AsObject();

    /// <summary>
    /// A TopK SAE's cfg.json as SAELens 6.18's save_inference_model writes it after training: the inference fields in
    /// set order, architecture last, and every metadata key its training runner fills.
    /// </summary>
    const string SaeLens618TopK = """
        {"k": 3, "d_sae": 10, "rescale_acts_by_decoder_norm": false, "device": "cuda", "normalize_activations": "none",
         "d_in": 6, "reshape_activations": "none", "dtype": "float32", "apply_b_dec_to_input": true,
         "metadata": {"sae_lens_version": "6.18.0", "sae_lens_training_version": "6.18.0", "model_name": "pythia-70m-deduped",
                      "hook_name": "blocks.3.hook_resid_post", "hook_head_index": null, "context_size": 1024, "prepend_bos": true,
                      "seqpos_slice": [null], "model_from_pretrained_kwargs": {"center_writing_weights": false},
                      "dataset_path": "monology/pile-uncopyrighted", "model_class_name": "HookedTransformer",
                      "exclude_special_tokens": false, "sequence_separator_token": "bos", "disable_concat_sequences": false},
         "architecture": "topk"}
        """;

    [Fact]
    public void ASaeLens6ConfigWithAllItsMetadataRoundTrips()
    {
        using var dir = new TempDir();
        string source = Path.Combine(dir.Path, "from-saelens"), written = Path.Combine(dir.Path, "ours");
        WriteFolder(source, SaeLens618TopK, Standard(30));
        var (sae, cfg) = SaeLensFormat.Load(source, CPU);
        using (sae)
        {
            Assert.Equal(3, Assert.IsType<TopKSae>(sae).K);
            Directory.CreateDirectory(written);
            SaeLensFormat.Save(written, sae, cfg["metadata"]!.AsObject());   // what TrainSae does with an imported SAE
            var (again, _) = SaeLensFormat.Load(written, CPU);
            using (again) Assert.True(again.Encode(Inputs()).eq(sae.Encode(Inputs())).all().item<bool>());
        }

        var original = JsonNode.Parse(SaeLens618TopK)!.AsObject();
        var ours = ReadCfg(written);
        foreach (var key in new[] { "architecture", "d_in", "d_sae", "k", "apply_b_dec_to_input", "normalize_activations", "reshape_activations" })
            Assert.True(JsonNode.DeepEquals(original[key], ours[key]), $"{key}: {original[key]?.ToJsonString()} became {ours[key]?.ToJsonString()}");
        foreach (var (key, value) in original["metadata"]!.AsObject())
            Assert.True(JsonNode.DeepEquals(value, ours["metadata"]![key]), $"metadata.{key}: {value?.ToJsonString()} became {ours["metadata"]![key]?.ToJsonString()}");

        // SAELens keeps all of it, and SAEBench finds its layer.
        var loaded = SaeLensLoaderModel.Load(ours);
        Assert.Equal("topk", loaded["architecture"]!.GetValue<string>());
        Assert.Equal(3, loaded["k"]!.GetValue<int>());
        Assert.Equal((3, "blocks.3.hook_resid_post", "pythia-70m-deduped"), SaeLensLoaderModel.SaeBenchStandardize(loaded));
    }

    [Fact]
    public void OurCfgJsonKeepsItsMetadataThroughSaeLensAndSaeBench()
    {
        using var dir = new TempDir();
        WriteFolder(dir.Path, SaeLens618TopK, Standard(31));
        var (sae, _) = SaeLensFormat.Load(dir.Path, CPU);
        using (sae)
            SaeLensFormat.Save(dir.Path, sae, new JsonObject
            {
                ["model_name"] = "micro", ["hook_name"] = "blocks.2.hook_resid_post", ["context_size"] = 128,
                ["prepend_bos"] = true, ["dataset_path"] = "mixed-0123abcd", ["training"] = new JsonObject { ["lr"] = 0.001 },
            });
        var ours = ReadCfg(dir.Path);
        Assert.Equal(SaeLensFormat.FormatVersion, ours["metadata"]!["sae_lens_version"]!.GetValue<string>());

        var loaded = SaeLensLoaderModel.Load(ours);
        Assert.Equal(128, loaded["metadata"]!["context_size"]!.GetValue<int>());
        Assert.Equal("mixed-0123abcd", loaded["metadata"]!["dataset_path"]!.GetValue<string>());
        Assert.Equal((2, "blocks.2.hook_resid_post", "micro"), SaeLensLoaderModel.SaeBenchStandardize(loaded));

        // The control, which is what we wrote before: the same file without the version goes down SAELens's pre-6.0 path,
        // loses every nested metadata key, and SAEBench stops.
        ours["metadata"]!.AsObject().Remove("sae_lens_version");
        var legacy = SaeLensLoaderModel.Load(ours);
        Assert.Null(legacy["metadata"]!["hook_name"]);
        Assert.Equal("Cound not determine Hook layer from SAE cfg",
                     Assert.Throws<InvalidOperationException>(() => SaeLensLoaderModel.SaeBenchStandardize(legacy)).Message);
    }

    /// <summary>
    /// SAELens 6's TopK with rescale_acts_by_decoder_norm (its training default) chooses the k latents on
    /// pre·‖W_dec,i‖ and divides by ‖W_dec,i‖ before decoding (saes/topk_sae.py). Decoder rows far from unit norm, as in
    /// a checkpoint saved before SAELens folds them, make the difference visible.
    /// </summary>
    [Fact]
    public void ASaeLensTopKThatRescalesByDecoderNormEncodesAndDecodesAsSaeLens()
    {
        using var dir = new TempDir();
        var t = Standard(50);
        var norms = rand([DSae], generator: new Generator(55)) * 3 + 0.2f;
        t["W_dec"] = t["W_dec"] / t["W_dec"].norm(1).unsqueeze(1) * norms.unsqueeze(1);
        WriteFolder(dir.Path, SaeLens618TopK.Replace("\"rescale_acts_by_decoder_norm\": false", "\"rescale_acts_by_decoder_norm\": true"), t);
        var (sae, _) = SaeLensFormat.Load(dir.Path, CPU);
        using (sae)
        {
            var x = Inputs();
            var pre = (x - t["b_dec"]).matmul(t["W_enc"]) + t["b_enc"];
            var expected = TopKSae.KeepTopK(pre * norms, 3);
            Assert.True((sae.Encode(x) - expected).abs().max().item<float>() < 1e-4);
            var decoded = (expected / norms).matmul(t["W_dec"]) + t["b_dec"];
            Assert.True((sae.Decode(expected) - decoded).abs().max().item<float>() < 1e-4);
            // Not the same SAE read without the rescale: the choice of latents differs.
            Assert.False(TopKSae.KeepTopK(pre, 3).ne(0).eq(expected.ne(0)).all().item<bool>());
        }
    }

    [Fact]
    public void AnImportedFilesVersionIsKeptAsItsSourceVersion()
    {
        using var dir = new TempDir();
        WriteFolder(dir.Path, """{"architecture": "standard", "d_in": 6, "d_sae": 10, "activation_fn_str": "relu", "hook_name": "blocks.0.hook_mlp_out", "sae_lens_version": "5.11.0"}""",
                    Standard(32));
        var (sae, cfg) = SaeLensFormat.Load(dir.Path, CPU);
        using (sae) SaeLensFormat.Save(dir.Path, sae, cfg["metadata"]!.AsObject());
        var metadata = ReadCfg(dir.Path)["metadata"]!;
        Assert.Equal(SaeLensFormat.FormatVersion, metadata["sae_lens_version"]!.GetValue<string>());
        Assert.Equal("5.11.0", metadata["source_sae_lens_version"]!.GetValue<string>());
        Assert.Equal("blocks.0.hook_mlp_out", metadata["hook_name"]!.GetValue<string>());
    }

    /// <summary>SAELens 5.11's SAEConfig.to_dict, for a TopK SAE as 5.x trained them: architecture "standard", the activation says TopK.</summary>
    static string SaeLens5TopK(string architecture, string activation = "topk") => $$"""
        {"architecture": "{{architecture}}", "d_in": 6, "d_sae": 10, "dtype": "float32", "device": "cpu", "model_name": "gpt2-small",
         "hook_name": "blocks.8.hook_resid_pre", "hook_layer": 8, "hook_head_index": null, "activation_fn_str": "{{activation}}",
         "activation_fn_kwargs": {"k": 4}, "apply_b_dec_to_input": true, "finetuning_scaling_factor": false,
         "sae_lens_training_version": "5.11.0", "prepend_bos": true, "dataset_path": "Skylion007/openwebtext",
         "dataset_trust_remote_code": true, "context_size": 128, "normalize_activations": "none", "neuronpedia_id": null,
         "model_from_pretrained_kwargs": {}, "seqpos_slice": [null]}
        """;

    [Theory]
    [InlineData("standard")]
    [InlineData("topk")]
    public void ASaeLens5TopKFolderLoadsAsTopKWithItsK(string architecture)
    {
        using var dir = new TempDir();
        var t = Standard(40);
        WriteFolder(dir.Path, SaeLens5TopK(architecture), t);
        var (sae, cfg) = SaeLensFormat.Load(dir.Path, CPU);
        using (sae)
        {
            Assert.Equal(4, Assert.IsType<TopKSae>(sae).K);
            var x = Inputs();
            // SAELens 5.x: TopK of (x − b_dec)·W_enc + b_enc, then ReLU on the kept values.
            var pre = (x - t["b_dec"]).matmul(t["W_enc"]) + t["b_enc"];
            var top = pre.topk(4, -1);
            var expected = zeros_like(pre).scatter(-1, top.indexes, top.values.relu());
            Assert.True((sae.Encode(x) - expected).abs().max().item<float>() < 1e-5);
        }
        Assert.Equal("blocks.8.hook_resid_pre", cfg["metadata"]!["hook_name"]!.GetValue<string>());
        // The loader model agrees: SAELens 6 also makes it a TopK SAE with k 4.
        var loaded = SaeLensLoaderModel.Load(JsonNode.Parse(SaeLens5TopK(architecture))!.AsObject());
        Assert.Equal(("topk", 4), (loaded["architecture"]!.GetValue<string>(), loaded["k"]!.GetValue<int>()));
    }

    [Fact]
    public void ATanhReluFolderIsRefusedNotReadAsRelu()
    {
        using var dir = new TempDir();
        WriteFolder(dir.Path, SaeLens5TopK("standard", "tanh-relu"), Standard(41));
        var e = Assert.Throws<PipelineException>(() => SaeLensFormat.Load(dir.Path, CPU));
        Assert.Contains("cfg.json: activation_fn_str \"tanh-relu\"", e.Message);
        Assert.Contains("refused", e.Message);
    }

    [Fact]
    public void ATopKWithoutItsKAndAnUnreadableVersionNameTheFileAndKey()
    {
        using var dir = new TempDir();
        WriteFolder(dir.Path, """{"d_in": 6, "d_sae": 10, "activation_fn_str": "topk", "activation_fn_kwargs": {}}""", Standard(42));
        var e = Assert.Throws<PipelineException>(() => SaeLensFormat.Load(dir.Path, CPU));
        Assert.Contains("cfg.json: activation_fn_str is \"topk\" but activation_fn_kwargs has no k", e.Message);

        WriteFolder(dir.Path, """{"architecture": "standard", "d_in": 6, "d_sae": 10, "metadata": {"sae_lens_version": "six"}}""", Standard(42));
        e = Assert.Throws<PipelineException>(() => SaeLensFormat.Load(dir.Path, CPU));
        Assert.Contains("cfg.json: sae_lens_version 'six' is not a version", e.Message);
    }

    /// <summary>PEP 440's order, as packaging.version implements it: a &lt; b &lt; rc &lt; final &lt; post; dev before its release.</summary>
    [Theory]
    [InlineData("6.18.0", true)]
    [InlineData("6.0.0", true)]
    [InlineData("6.0.0-rc.0", true)]
    [InlineData("6.0.0rc1", true)]
    [InlineData("6.0.0.post1", true)]
    [InlineData("10.0", true)]
    [InlineData("6", true)]
    [InlineData("6.0.0b2", false)]
    [InlineData("6.0.0a1", false)]
    [InlineData("6.0.0.dev3", false)]
    [InlineData("6.0.0rc0.dev1", false)]
    [InlineData("5.11.0", false)]
    [InlineData("5.99.99rc2", false)]
    public void VersionsAreOrderedAsPep440OrdersThem(string version, bool v6)
    {
        Assert.Equal(v6, SaeLensVersion.Parse(version)!.IsV6OrLater);
    }
}
