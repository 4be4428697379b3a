using SaePipeline.Activations.Core;
using SaePipeline.Evals.Core;
using SaePipeline.Formats;
using SaePipeline.Models;
using SaePipeline.Models.Tokenizers;
using SaePipeline.Sae;
using SaePipeline.Tests.Models;
using static TorchSharp.torch;

namespace SaePipeline.Tests.Core;

/// <summary>
/// Core evaluation's downstream pass and its shared-pass cache against answers known in advance: an SAE that
/// reconstructs exactly must score 1, an SAE that outputs zeros must match the zero ablation, Gemma-2's zero ablation is
/// ln(V) at every layer, and reading the SAE-independent passes back from the cache changes no number.
/// </summary>
public sealed class CoreEvaluationTests
{
    /// <summary>decode(encode(x)) = relu(x) − relu(−x) = x exactly: W_enc = [I, −I], W_dec = [I; −I], no biases.</summary>
    static ReluSae IdentitySae(int d)
    {
        using var scope = NewDisposeScope();
        var identity = TorchSharp.torch.eye(d);
        return new ReluSae(cat([identity, identity.neg()], 1), zeros(2 * d), cat([identity, identity.neg()], 0), zeros(d));
    }

    static ReluSae ZeroSae(int d) => new(zeros(d, 8), zeros(8), zeros(8, d), zeros(d));

    /// <summary>
    /// Batches of two rows from the golden input ids (as many as the stream reads), each row different and starting with
    /// a "BOS" (the first id), which is masked.
    /// </summary>
    static (List<int[]> Rows, CoreStreamSettings Stream, SpecialTokens Special) Rows(string fixture, int recon = 2, int sparsity = 2, bool reuse = false)
    {
        var ids = Golden.Load(fixture).InputIds;
        long t = ids.shape[1];
        var flat = ids.reshape(-1).data<long>().ToArray();
        int bos = (int)flat[0];
        var stream = new CoreStreamSettings
        {
            BatchSizePrompts = 2, NReconstructionBatches = recon, NSparsityVarianceBatches = sparsity, ContextSize = (int)t, Seed = 0,
            ReuseReconstructionRows = reuse,
        };
        var rows = new List<int[]>();
        for (int r = 0; r < 2 * stream.Batches; r++)
            rows.Add(Enumerable.Range(0, (int)t).Select(i => i == 0 ? bos : (int)flat[(i + 3 * r) % flat.Length]).ToArray());
        return (rows, stream, new SpecialTokens(bos, null, null));
    }

    static CoreEvaluation.Result Evaluate(LanguageModel model, string hook, SparseAutoencoder sae, List<int[]> rows, CoreStreamSettings stream,
                                          SpecialTokens special, bool exclude)
    {
        var point = HookPoint.Parse(hook, model.Dims.NLayers);
        return CoreEvaluation.Run(model, point, sae, CoreEvaluation.Direct(model, point, rows, stream), stream, special, exclude, resume: false);
    }

    [Theory]
    [InlineData("gpt2", "blocks.1.hook_resid_post")]
    [InlineData("gpt_neox", "blocks.0.hook_resid_post")]
    [InlineData("gemma2", "blocks.1.hook_resid_pre")]
    public void AnSaeThatReconstructsExactlyScoresOne(string fixture, string hook)
    {
        using var scope = NewDisposeScope();
        using var model = ModelLoader.Load(Fixtures.Golden(fixture, "model"), ScalarType.Float32, CPU);
        using var sae = IdentitySae(model.Dims.DModel);
        var (rows, stream, special) = Rows(fixture);
        var r = Evaluate(model, hook, sae, rows, stream, special, exclude: true);
        Assert.Equal(0.0, r.Downstream.KlDivWithSae);
        Assert.Equal(1.0, r.Downstream.KlDivScore);
        Assert.Equal(1.0, r.Downstream.CeLossScore);
        Assert.Equal(r.Downstream.CeLossWithoutSae, r.Downstream.CeLossWithSae);
        Assert.True(r.Downstream.KlDivWithAblation > 0.01, $"zero ablation should move the predictions (KL {r.Downstream.KlDivWithAblation})");
        Assert.Equal(1.0, r.SparsityVariance.ExplainedVarianceLegacy, 12);
        Assert.Equal(0.0, r.SparsityVariance.Fvu, 12);
        Assert.Equal(1.0, r.SparsityVariance.L2Ratio, 6);
        // Every position whose input is not the "BOS" id counts, for KL; for CE the last position has no target.
        var reconRows = rows.Take(2 * stream.NReconstructionBatches).ToList();
        Assert.Equal(reconRows.Sum(row => row.Count(x => x != special.Bos)), r.Downstream.KlTokens);
        Assert.Equal(reconRows.Sum(row => row[..^1].Count(x => x != special.Bos)), r.Downstream.CeTokens);
    }

    [Theory]
    [InlineData("gpt2", "blocks.1.hook_resid_post")]
    [InlineData("gpt_neox", "blocks.1.hook_resid_post")]
    public void AnSaeThatOutputsZerosIsTheZeroAblation(string fixture, string hook)
    {
        using var scope = NewDisposeScope();
        using var model = ModelLoader.Load(Fixtures.Golden(fixture, "model"), ScalarType.Float32, CPU);
        using var sae = ZeroSae(model.Dims.DModel);
        var (rows, stream, special) = Rows(fixture);
        // Spliced at every position the zero SAE is exactly the zero ablation: both scores are 0.
        var everywhere = Evaluate(model, hook, sae, rows, stream, special, exclude: false);
        Assert.Equal(0.0, everywhere.Downstream.CeLossScore, 9);
        Assert.Equal(0.0, everywhere.Downstream.KlDivScore, 9);
        Assert.Equal(everywhere.Downstream.CeLossWithAblation, everywhere.Downstream.CeLossWithSae, 9);
        // Keeping BOS's activation (SAEBench's standard run) helps a little, but recovers nowhere near the loss.
        var kept = Evaluate(model, hook, sae, rows, stream, special, exclude: true);
        Assert.InRange(kept.Downstream.CeLossScore, -0.5, 0.5);
        Assert.Equal(0.0, kept.SparsityVariance.L0);
        Assert.Equal(0.0, kept.SparsityVariance.L2NormOut);
    }

    [Fact]
    public void Gemma2ZeroAblationIsTheUniformDistributionAtEveryLayer()
    {
        using var scope = NewDisposeScope();
        using var model = ModelLoader.Load(Fixtures.Golden("gemma2", "model"), ScalarType.Float32, CPU);
        using var sae = IdentitySae(model.Dims.DModel);
        var (rows, stream, special) = Rows("gemma2");
        for (int layer = 0; layer < model.Dims.NLayers; layer++)
        {
            var r = Evaluate(model, $"blocks.{layer}.hook_resid_post", sae, rows, stream, special, exclude: true);
            Assert.Equal(Math.Log(model.Dims.VocabSize), r.Downstream.CeLossWithAblation, 5);
        }
    }

    [Theory]
    [InlineData("gpt_neox", "blocks.1.hook_resid_post", true)]
    [InlineData("gpt2", "blocks.0.hook_resid_pre", false)]
    [InlineData("gemma2", "blocks.1.hook_mlp_out", true)]
    public void TheSharedPassCacheChangesNoNumber(string fixture, string hook, bool exclude)
    {
        using var scope = NewDisposeScope();
        using var model = ModelLoader.Load(Fixtures.Golden(fixture, "model"), ScalarType.Float32, CPU);
        var point = HookPoint.Parse(hook, model.Dims.NLayers);
        using var sae = new ReluSae(randn(model.Dims.DModel, 16, generator: new Generator(7)) * 0.3f, randn(16, generator: new Generator(8)) * 0.1f,
                                    randn(16, model.Dims.DModel, generator: new Generator(9)) * 0.3f, zeros(model.Dims.DModel));
        var (rows, stream, special) = Rows(fixture, recon: 1, sparsity: 2);
        var direct = CoreEvaluation.Run(model, point, sae, CoreEvaluation.Direct(model, point, rows, stream), stream, special, exclude, resume: false);

        using var dir = new TempDir();
        var (files, _, batches, _) = CoreReferenceCache.Write(dir.Path, model, point, rows, stream);
        Assert.Equal(3, batches);   // one reconstruction batch, then the two sparsity/variance batches
        var info = new CoreReferenceInfo
        {
            Kind = "core_reference", Dataset = "test", Split = "heldout", Hook = hook, DIn = model.Dims.DModel, VocabSize = model.Dims.VocabSize,
            ModelDtype = "float32", SpecialTokens = special, Stream = stream, Files = files, BatchesPerFile = 1024, Tokens = 0,
        };
        var cached = CoreEvaluation.Run(model, point, sae, CoreReferenceCache.Read(dir.Path, info, CPU), stream, special, exclude, resume: true);

        Assert.Equal(direct.Downstream, cached.Downstream);
        var (a, b) = (direct.SparsityVariance, cached.SparsityVariance);
        var none = Array.Empty<double>();
        Assert.Equal(a with { FeatureDensity = none, ConsistentActivationHeuristic = none }, b with { FeatureDensity = none, ConsistentActivationHeuristic = none });
        Assert.Equal(a.FeatureDensity, b.FeatureDensity);
        Assert.Equal(a.ConsistentActivationHeuristic, b.ConsistentActivationHeuristic);
        Assert.True(a.L0 > 0 && direct.Downstream.KlDivWithSae > 0, "the random SAE should fire and perturb the predictions");
    }

    /// <summary>
    /// SAEBench resets its activation store between the two passes, but the reset does not rewind the iterator that
    /// get_batch_tokens reads (docs/saebench.md §1.2), so the variance pass sees the rows after the reconstruction rows.
    /// The expectation is computed here straight from the model on the rows it should be.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TheSparsityPassReadsTheRowsAfterTheReconstructionRowsAsSaeBenchDoes(bool reuse)
    {
        using var scope = NewDisposeScope();
        using var model = ModelLoader.Load(Fixtures.Golden("gpt2", "model"), ScalarType.Float32, CPU);
        using var sae = IdentitySae(model.Dims.DModel);
        const string hook = "blocks.1.hook_resid_post";
        var (rows, stream, special) = Rows("gpt2", recon: 1, sparsity: 1, reuse: reuse);
        Assert.Equal(reuse ? 2 : 4, rows.Count);
        var r = Evaluate(model, hook, sae, rows, stream, special, exclude: true);

        double MeanNormIn(IEnumerable<int[]> batch)
        {
            var ids = batch.ToList();
            var tokens = tensor(ids.SelectMany(row => row).Select(x => (long)x).ToArray(), [ids.Count, ids[0].Length]);
            var acts = model.Forward(tokens, null, new ForwardRequest { Capture = [hook], StopAtLayer = 1 }).Activations[hook];
            var kept = tokens.ne(special.Bos!.Value);
            return acts.norm(-1).masked_select(kept).to(float64).mean().item<double>();
        }
        double expected = MeanNormIn(reuse ? rows.Take(2) : rows.Skip(2).Take(2));
        Assert.Equal(expected, r.SparsityVariance.L2NormIn, expected * 1e-6);
        if (!reuse) Assert.True(Math.Abs(MeanNormIn(rows.Take(2)) - expected) > 1e-3 * expected, "the two choices of rows should differ");
    }

    /// <summary>
    /// A JumpReLU SAE whose latent 0 fires in float32 and not in bfloat16: pre = b_enc = 1 + 2⁻⁸ against θ = 1 + 2⁻⁹. In
    /// bfloat16 (8 significant bits) both round to 1 (ties to even), and 1 > 1 is false. So the L0 core reports tells
    /// which dtype the SAE ran in: loaded in bfloat16, as SAEBench casts an SAE to a bf16 model's dtype, it is 0.
    /// </summary>
    [Theory]
    [InlineData("gpt2", ScalarType.Float32, ScalarType.Float32, 1.0)]
    [InlineData("gpt2", ScalarType.Float32, ScalarType.BFloat16, 0.0)]
    [InlineData("gpt2_bf16", ScalarType.BFloat16, ScalarType.BFloat16, 0.0)]
    [InlineData("gpt2_bf16", ScalarType.BFloat16, ScalarType.Float32, 1.0)]
    public void AnSaeLoadedInBfloat16IsEvaluatedInBfloat16(string fixture, ScalarType modelDtype, ScalarType saeDtype, double l0)
    {
        using var scope = NewDisposeScope();
        using var model = ModelLoader.Load(Fixtures.Golden(fixture, "model"), modelDtype, CPU);
        int d = model.Dims.DModel;
        using var dir = new TempDir();
        File.WriteAllText(Path.Combine(dir.Path, SaeLensFormat.CfgFile), $$"""
            {"architecture": "jumprelu", "d_in": {{d}}, "d_sae": 2, "dtype": "float32", "device": "cpu", "apply_b_dec_to_input": true,
             "normalize_activations": "none", "reshape_activations": "none", "metadata": {"sae_lens_version": "6.18.0"} }
            """);
        Safetensors.Save(Path.Combine(dir.Path, SaeLensFormat.WeightsFile), new Dictionary<string, Tensor>
        {
            ["W_enc"] = zeros(d, 2), ["b_enc"] = tensor(new[] { 1 + MathF.Pow(2, -8), -10f }),
            ["W_dec"] = randn(2, d, generator: new Generator(3)) * 0.1f, ["b_dec"] = zeros(d), ["threshold"] = tensor(new[] { 1 + MathF.Pow(2, -9), 0.5f }),
        });
        var (sae, _) = SaeLensFormat.Load(dir.Path, CPU, saeDtype);
        using (sae)
        {
            Assert.Equal(saeDtype, sae.Dtype);
            var (rows, stream, special) = Rows(fixture, recon: 1, sparsity: 1);
            var r = Evaluate(model, "blocks.0.hook_resid_post", sae, rows, stream, special, exclude: true);
            Assert.Equal(l0, r.SparsityVariance.L0);
            Assert.True(double.IsFinite(r.Downstream.CeLossWithSae) && double.IsFinite(r.SparsityVariance.ExplainedVarianceLegacy));
        }
    }
}
