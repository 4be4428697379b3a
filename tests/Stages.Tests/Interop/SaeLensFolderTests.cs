using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SaePipeline.Sae;
using static TorchSharp.torch;

namespace SaePipeline.Tests.Interop;

/// <summary>
/// SAE folders written by <see cref="SaeLensFormat.Save"/> from known tensors, read the way Python reads them:
/// <c>sae_weights.safetensors</c> parsed byte by byte (<see cref="SafetensorsSpec"/>) with SAELens's tensor names,
/// shapes and float32 values; <c>cfg.json</c> as strict JSON (System.Text.Json's strict reader) with the keys
/// SAELens v6's <c>SAE.load_from_disk</c> reads.
/// </summary>
public sealed class SaeLensFolderTests
{
    const int DIn = 4, DSae = 6, K = 2;
    const float Theta = 0.375f;

    // Closed forms, distinct in every entry and between tensors, so a transposed or swapped tensor shows.
    static float WEnc(int i, int s) => (i * DSae + s) * 0.5f - 3;        // [d_in, d_sae]
    static float WDec(int s, int i) => (s * DIn + i) * 0.25f - 1.125f;   // [d_sae, d_in]
    static float BEnc(int s) => -0.0625f * (s + 1);
    static float BDec(int i) => 100 + i;

    static (Tensor WEnc, Tensor BEnc, Tensor WDec, Tensor BDec) Known() => (
        tensor(Enumerable.Range(0, DIn * DSae).Select(k => WEnc(k / DSae, k % DSae)).ToArray(), [DIn, DSae]),
        tensor(Enumerable.Range(0, DSae).Select(BEnc).ToArray()),
        tensor(Enumerable.Range(0, DSae * DIn).Select(k => WDec(k / DIn, k % DIn)).ToArray(), [DSae, DIn]),
        tensor(Enumerable.Range(0, DIn).Select(BDec).ToArray()));

    static SparseAutoencoder Build(string architecture)
    {
        var (wEnc, bEnc, wDec, bDec) = Known();
        return architecture switch
        {
            "standard" => new ReluSae(wEnc, bEnc, wDec, bDec),
            "topk" => new TopKSae(wEnc, bEnc, wDec, bDec, K),
            "jumprelu" => new BatchTopKSae(wEnc, bEnc, wDec, bDec, K, tensor(Theta)),   // BatchTopK exports as a JumpReLU
            _ => throw new ArgumentException(architecture),
        };
    }

    /// <summary>Provenance shaped like TrainSaeStage's: nulls, a bool, a nested object, and training numbers that can be NaN or ∞.</summary>
    static JsonObject Metadata() => new()
    {
        ["sae_lens_training_version"] = null,
        ["model_name"] = "gpt2",
        ["hook_name"] = "blocks.0.hook_resid_post",
        ["hook_head_index"] = null,
        ["context_size"] = 16,
        ["prepend_bos"] = true,
        ["dataset_path"] = "corpus-0123abcd",
        ["training"] = new JsonObject { ["final_loss"] = double.NaN, ["grad_norm"] = double.PositiveInfinity, ["steps"] = 10 },
    };

    static string SaveFolder(TempDir dir, string architecture)
    {
        using var sae = Build(architecture);
        SaeLensFormat.Save(dir.Path, sae, Metadata());
        return dir.Path;
    }

    [Theory]
    [InlineData("standard")]
    [InlineData("topk")]
    [InlineData("jumprelu")]
    public void WeightsFileHasSaeLensNamesShapesAndValues(string architecture)
    {
        using var dir = new TempDir();
        var file = SafetensorsSpec.Parse(Path.Combine(SaveFolder(dir, architecture), "sae_weights.safetensors"));
        string[] names = architecture == "jumprelu" ? ["W_dec", "W_enc", "b_dec", "b_enc", "threshold"] : ["W_dec", "W_enc", "b_dec", "b_enc"];
        Assert.Equal(names, file.Tensors.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.All(file.Tensors, t => Assert.Equal("F32", t.DType));   // cfg.json says dtype float32
        Assert.Equal(0, file.DataStart % 8);
        Assert.All(file.Tensors, t => Assert.Equal(0, (file.DataStart + t.Begin) % 4));   // all float32: every tensor 4-byte aligned

        Assert.Equal([DIn, DSae], file["W_enc"].Shape);
        Assert.Equal([DSae, DIn], file["W_dec"].Shape);
        Assert.Equal([DSae], file["b_enc"].Shape);
        Assert.Equal([DIn], file["b_dec"].Shape);
        var wEnc = file.F32("W_enc");
        var wDec = file.F32("W_dec");
        for (int i = 0; i < DIn; i++)
            for (int s = 0; s < DSae; s++)
            {
                Assert.Equal(WEnc(i, s), wEnc[i * DSae + s]);
                Assert.Equal(WDec(s, i), wDec[s * DIn + i]);
            }
        Assert.Equal(Enumerable.Range(0, DSae).Select(BEnc), file.F32("b_enc"));
        Assert.Equal(Enumerable.Range(0, DIn).Select(BDec), file.F32("b_dec"));
        if (architecture == "jumprelu")
        {
            // SAELens's JumpReLU reads one threshold per latent; BatchTopK's single θ is written for each of them.
            Assert.Equal([DSae], file["threshold"].Shape);
            Assert.Equal(Enumerable.Repeat(Theta, DSae), file.F32("threshold"));
        }
    }

    [Theory]
    [InlineData("standard")]
    [InlineData("topk")]
    [InlineData("jumprelu")]
    public void CfgJsonIsStrictJsonWithTheKeysSaeLensV6Reads(string architecture)
    {
        using var dir = new TempDir();
        var bytes = File.ReadAllBytes(Path.Combine(SaveFolder(dir, architecture), "cfg.json"));
        // Python's json.load rejects a byte-order mark; the file must start with the object itself.
        Assert.Equal((byte)'{', bytes[0]);
        string text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        // Default JsonDocumentOptions are strict RFC 8259: no comments, trailing commas or bare NaN/Infinity literals
        // (which Python's json would accept but JavaScript, DuckDB and other strict parsers refuse).
        using var doc = JsonDocument.Parse(text);
        var cfg = doc.RootElement;
        Assert.Equal(JsonValueKind.Object, cfg.ValueKind);
        AssertNoDuplicateKeys(cfg);

        Assert.Equal(architecture, cfg.GetProperty("architecture").GetString());
        Assert.Equal(DIn, cfg.GetProperty("d_in").GetInt32());
        Assert.Equal(DSae, cfg.GetProperty("d_sae").GetInt32());
        Assert.Equal("float32", cfg.GetProperty("dtype").GetString());
        Assert.Equal("cpu", cfg.GetProperty("device").GetString());
        Assert.Equal(JsonValueKind.True, cfg.GetProperty("apply_b_dec_to_input").ValueKind);
        Assert.Equal("none", cfg.GetProperty("normalize_activations").GetString());
        Assert.Equal("none", cfg.GetProperty("reshape_activations").GetString());
        var metadata = cfg.GetProperty("metadata");
        Assert.Equal(JsonValueKind.Object, metadata.ValueKind);
        Assert.Equal("blocks.0.hook_resid_post", metadata.GetProperty("hook_name").GetString());
        Assert.Equal(JsonValueKind.Null, metadata.GetProperty("hook_head_index").ValueKind);
        // Non-finite training numbers are written as the strings "NaN" / "Infinity" (valid JSON), never as bare literals.
        Assert.Equal("NaN", metadata.GetProperty("training").GetProperty("final_loss").GetString());
        Assert.Equal("Infinity", metadata.GetProperty("training").GetProperty("grad_norm").GetString());
        if (architecture == "topk")
        {
            Assert.Equal(K, cfg.GetProperty("k").GetInt32());
            Assert.Equal(JsonValueKind.False, cfg.GetProperty("rescale_acts_by_decoder_norm").ValueKind);
        }
    }

    static void AssertNoDuplicateKeys(JsonElement e)
    {
        if (e.ValueKind == JsonValueKind.Object)
        {
            var names = e.EnumerateObject().Select(p => p.Name).ToList();
            Assert.True(names.Count == names.Distinct(StringComparer.Ordinal).Count(), $"duplicate keys: {string.Join(", ", names)}");
            foreach (var p in e.EnumerateObject()) AssertNoDuplicateKeys(p.Value);
        }
        else if (e.ValueKind == JsonValueKind.Array)
            foreach (var item in e.EnumerateArray()) AssertNoDuplicateKeys(item);
    }
}
