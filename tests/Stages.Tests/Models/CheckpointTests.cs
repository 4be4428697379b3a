using System.Text.Json.Nodes;
using SaePipeline.Formats;
using SaePipeline.Models;
using SaePipeline.Runtime;
using static TorchSharp.torch;

namespace SaePipeline.Tests.Models;

/// <summary>
/// Checkpoint layouts HF reads (sharded, F16, GPT-2 without its prefix and with buffers, old and new config keys) load to
/// the same model, and broken folders fail with messages that name what is wrong.
/// </summary>
public sealed class CheckpointTests
{
    [Fact]
    public void ShardedCheckpointLoadsToIdenticalLogits()
    {
        using var dir = new TempDir();
        var tensors = Safetensors.Load(Fixtures.Golden("gpt_neox", "model", "model.safetensors"));
        var names = tensors.Keys.Order(StringComparer.Ordinal).ToList();
        var shards = new[] { names.Take(names.Count / 2).ToList(), names.Skip(names.Count / 2).ToList() };
        var weightMap = new JsonObject();
        for (int i = 0; i < 2; i++)
        {
            string file = $"model-0000{i + 1}-of-00002.safetensors";
            Safetensors.Save(Path.Combine(dir.Path, file), shards[i].ToDictionary(n => n, n => tensors[n]));
            foreach (var n in shards[i]) weightMap[n] = file;
        }
        File.WriteAllText(Path.Combine(dir.Path, Checkpoint.IndexFile), new JsonObject { ["metadata"] = new JsonObject(), ["weight_map"] = weightMap }.ToJsonString());
        File.Copy(Fixtures.Golden("gpt_neox", "model", "config.json"), Path.Combine(dir.Path, "config.json"));

        AssertSameLogits("gpt_neox", dir.Path);
        File.Delete(Path.Combine(dir.Path, "model-00002-of-00002.safetensors"));
        var error = Assert.Throws<PipelineException>(() => ModelLoader.Load(dir.Path, ScalarType.Float32, CPU));
        Assert.Contains("model-00002-of-00002.safetensors is missing", error.Message);
    }

    [Fact]
    public void Gpt2HubLayoutWithoutPrefixAndWithBuffersLoadsToIdenticalLogits()
    {
        // Hub GPT-2 files come from GPT2Model: no "transformer." prefix, plus causal-mask buffers HF skips on load.
        using var dir = Variant("gpt2", tensors =>
        {
            var renamed = tensors.ToDictionary(kv => kv.Key.Replace("transformer.", ""), kv => kv.Value);
            renamed["h.0.attn.bias"] = ones(1, 1, 64, 64).tril();
            renamed["h.0.attn.masked_bias"] = tensor(-1e4f);
            return renamed;
        });
        var warnings = new List<string>();
        using (var model = ModelLoader.Load(dir.Path, ScalarType.Float32, CPU, warnings.Add)) { }
        Assert.Empty(warnings);
        AssertSameLogits("gpt2", dir.Path);
    }

    [Fact]
    public void UnknownExtraTensorsAreReportedNotSilentlyIgnored()
    {
        using var dir = Variant("gpt2", tensors => new(tensors) { ["transformer.h.0.attn.q_norm.weight"] = ones(16) });
        var warnings = new List<string>();
        using var model = ModelLoader.Load(dir.Path, ScalarType.Float32, CPU, warnings.Add);
        Assert.Contains("transformer.h.0.attn.q_norm.weight", Assert.Single(warnings));
    }

    [Fact]
    public void Float16WeightsLoadAsTheirExactFloat32Values()
    {
        // F16 → F32 is exact, so an F16 file must give bit-identical logits to an F32 file holding the F16-rounded values.
        using var f16 = Variant("gemma2", tensors => tensors.ToDictionary(kv => kv.Key, kv => kv.Value.to(ScalarType.Float16)));
        using var rounded = Variant("gemma2", tensors => tensors.ToDictionary(kv => kv.Key, kv => kv.Value.to(ScalarType.Float16).to(ScalarType.Float32)));
        var golden = Golden.Load("gemma2");
        using var a = ModelLoader.Load(f16.Path, ScalarType.Float32, CPU);
        using var b = ModelLoader.Load(rounded.Path, ScalarType.Float32, CPU);
        using var ra = a.Forward(golden.InputIds, null, new ForwardRequest { Logits = true });
        using var rb = b.Forward(golden.InputIds, null, new ForwardRequest { Logits = true });
        Assert.True(ra.Logits!.eq(rb.Logits!).all().item<bool>());
        Assert.True(ModelGoldenTests.MaxAbsDiff(ra.Logits, golden.Logits) < 0.05);
    }

    [Theory]
    [InlineData("gpt_neox", new[] { "partial_rotary_factor", "rope_theta" })]            // real Pythia files: legacy keys only
    [InlineData("gpt_neox", new[] { "rotary_pct", "rotary_emb_base" })]                 // newer spellings only
    [InlineData("gpt2", new[] { "n_inner" })]                                            // absent rather than null
    public void LegacyAndNewConfigSpellingsGiveTheSameModel(string fixture, string[] removedKeys)
    {
        using var dir = Variant(fixture, t => t, config => { foreach (var k in removedKeys) Assert.True(config.Remove(k)); });
        AssertSameLogits(fixture, dir.Path);
    }

    [Fact]
    public void Gemma2ReadsHiddenActWhenHiddenActivationIsAbsent()
    {
        using var dir = Variant("gemma2", t => t, config =>
        {
            config["hidden_act"] = config["hidden_activation"]!.GetValue<string>();
            config.Remove("hidden_activation");
        });
        AssertSameLogits("gemma2", dir.Path);
        using var erf = Variant("gemma2", t => t, config => config["hidden_activation"] = "gelu");
        using var model = ModelLoader.Load(erf.Path, ScalarType.Float32, CPU);
        var golden = Golden.Load("gemma2");
        using var result = model.Forward(golden.InputIds, null, new ForwardRequest { Logits = true });
        Assert.True(ModelGoldenTests.MaxAbsDiff(result.Logits!, golden.Logits) > 1e-4, "hidden_activation was not read");
    }

    [Fact]
    public void BrokenFoldersFailWithMessagesThatNameTheProblem()
    {
        using var empty = new TempDir();
        AssertLoadFails(empty.Path, "config.json is missing");
        File.Copy(Fixtures.Golden("gpt2", "model", "config.json"), Path.Combine(empty.Path, "config.json"));
        AssertLoadFails(empty.Path, "expected model.safetensors or model.safetensors.index.json");

        using (var dir = Variant("gpt2", t => t, c => c["model_type"] = "llama"))
            AssertLoadFails(dir.Path, "model_type 'llama' is not supported (supported: gpt2, gpt_neox, gemma2)");
        using (var dir = Variant("gpt2", t => t, c => c.Remove("model_type")))
            AssertLoadFails(dir.Path, "key 'model_type' is missing");
        using (var dir = Variant("gpt2", t => t, c => c["n_embd"] = "sixty-four"))
            AssertLoadFails(dir.Path, "key 'n_embd' should be an integer");
        using (var dir = Variant("gpt_neox", t => { t.Remove("gpt_neox.layers.1.mlp.dense_4h_to_h.weight"); return t; }))
            AssertLoadFails(dir.Path, "tensor 'gpt_neox.layers.1.mlp.dense_4h_to_h.weight' is missing");
        using (var dir = Variant("gemma2", t => { t["model.layers.2.self_attn.k_proj.weight"] = zeros(32, 64); return t; }))
            AssertLoadFails(dir.Path, "tensor 'model.layers.2.self_attn.k_proj.weight' has shape [32, 64], but config.json implies [64, 64]");
        using (var dir = Variant("gpt2", t => { t["transformer.ln_f.bias"] = t["transformer.ln_f.bias"].to(ScalarType.Int32); return t; }))
            AssertLoadFails(dir.Path, "tensor 'transformer.ln_f.bias' is stored as I32; model weights must be one of F32, BF16, F16");
        using (var dir = Variant("gpt2", t => t, c => c["activation_function"] = "gelu_10"))
            AssertLoadFails(dir.Path, "activation 'gelu_10' is not supported");
        AssertLoadFails(Path.Combine(empty.Path, "nope"), "does not exist");
    }

    static void AssertLoadFails(string folder, string expected)
    {
        var error = Assert.Throws<PipelineException>(() => ModelLoader.Load(folder, ScalarType.Float32, CPU));
        Assert.Contains(expected, error.Message);
        // Inspection (PrepareModel's check, which reads headers only) reports the same problems.
        error = Assert.Throws<PipelineException>(() => ModelLoader.Inspect(folder));
        Assert.Contains(expected, error.Message);
    }

    static void AssertSameLogits(string fixture, string folder)
    {
        using var scope = NewDisposeScope();
        var golden = Golden.Load(fixture);
        using var original = ModelLoader.Load(Fixtures.Golden(fixture, "model"), ScalarType.Float32, CPU);
        using var variant = ModelLoader.Load(folder, ScalarType.Float32, CPU);
        using var a = original.Forward(golden.InputIds, null, new ForwardRequest { Logits = true });
        using var b = variant.Forward(golden.InputIds, null, new ForwardRequest { Logits = true });
        Assert.True(a.Logits!.eq(b.Logits!).all().item<bool>());
    }

    /// <summary>A copy of a fixture's checkpoint with its tensors and config.json edited.</summary>
    internal static TempDir Variant(string fixture, Func<Dictionary<string, Tensor>, Dictionary<string, Tensor>> editTensors,
                                    Action<JsonObject>? editConfig = null)
    {
        var dir = new TempDir();
        var tensors = editTensors(Safetensors.Load(Fixtures.Golden(fixture, "model", "model.safetensors")));
        Safetensors.Save(Path.Combine(dir.Path, Checkpoint.SingleFile), tensors);
        var config = JsonNode.Parse(File.ReadAllText(Fixtures.Golden(fixture, "model", "config.json")))!.AsObject();
        editConfig?.Invoke(config);
        File.WriteAllText(Path.Combine(dir.Path, "config.json"), config.ToJsonString());
        return dir;
    }
}
