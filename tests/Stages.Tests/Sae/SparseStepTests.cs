using SaePipeline.Activations;
using SaePipeline.Activations.Synthetic;
using SaePipeline.Config;
using SaePipeline.Runtime;
using SaePipeline.Sae;
using static TorchSharp.torch;

namespace SaePipeline.Tests;

/// <summary>
/// The sparse k-sparse step (KSparseSelection, KeptPreActivations, SparseDecode) is the dense step's function: the same
/// loss, reconstruction and parameter gradients as dense autograd over [B, d_sae], for every k-sparse architecture at
/// several k, with AuxK on; the same training curve; and BatchTopK's candidate selection equals the full sort.
/// </summary>
public sealed class SparseStepTests
{
    const int DIn = 24, DSae = 96, Batch = 64;

    /// <summary>Every architecture whose objective is k-sparse (and so has a sparse step), at several k.</summary>
    public static TheoryData<string, int> KSparseArchitectures()
    {
        var data = new TheoryData<string, int>();
        foreach (var architecture in Enum.GetValues<SaeArchitecture>())
        {
            // Architectures with a k whose objective is not k-sparse (Matryoshka's prefix losses take the dense path) have no sparse step.
            if (!SaeArchitectures.Of(architecture).Keys.Contains("k")) continue;
            using (var probe = SaeInitialization.Create(Config(architecture, 1), DIn, TorchRuntime.Generator(1, "test/probe"), CPU))
                if (SaeObjective.Create(Config(architecture, 1), probe) is not KSparseObjective) continue;
            foreach (int k in new[] { 1, 5, 32, DSae }) data.Add(architecture.ToString(), k);
        }
        return data;
    }

    static SaeConfig Config(SaeArchitecture architecture, int k) => new()
    {
        Name = "t", Architecture = architecture, DSae = DSae, K = k, BatchSize = Batch, AuxK = 7, DeadAfterTokens = Batch,
        TrainingTokens = Batch * 100, ThresholdStartStep = 0,
    };

    /// <summary>An SAE off its initialisation (b_dec and b_enc non-zero, so the b_dec·W_enc path carries gradient).</summary>
    static (SparseAutoencoder Sae, KSparseObjective Objective) Make(SaeConfig config, int seed)
    {
        var sae = SaeInitialization.Create(config, DIn, TorchRuntime.Generator(seed, "test/init"), CPU);
        var g = new Generator((ulong)seed + 100);
        using (no_grad())
            foreach (var p in sae.Parameters) p.Tensor.add_(randn(p.Tensor.shape, generator: g) * 0.1);
        var objective = (KSparseObjective)SaeObjective.Create(config, sae);
        return (sae, objective);
    }

    static Tensor Inputs(int seed) => randn([Batch, DIn], generator: new Generator((ulong)seed)) * 2;

    [Theory]
    [MemberData(nameof(KSparseArchitectures))]
    public void SparseStepHasTheDenseStepsLossAndGradients(string name, int k)
    {
        var config = Config(Enum.Parse<SaeArchitecture>(name), k);
        var x = Inputs(7);
        // A third of the latents dead, so AuxK runs with its k_aux = 7 among them.
        var dead = arange(DSae).remainder(3).eq(0);
        var step = new StepContext(3, 1.0, dead, dead.sum().item<long>());

        var (dense, denseLoss, denseHat, denseLatents) = Run(sparse: false);
        var (sparse, sparseLoss, sparseHat, sparseLatents) = Run(sparse: true);
        Assert.Equal(denseLoss, sparseLoss, 1e-5 * Math.Max(1, Math.Abs(denseLoss)));
        AssertClose(denseHat, sparseHat, "x̂");
        Assert.True(denseLatents.gt(0).eq(sparseLatents.gt(0)).all().item<bool>(), "the same latents are kept");
        AssertClose(denseLatents, sparseLatents, "f");
        for (int i = 0; i < dense.Count; i++) AssertClose(dense[i].Gradient, sparse[i].Gradient, $"∂{dense[i].Name}");

        (List<(string Name, Tensor Gradient)>, double, Tensor, Tensor) Run(bool sparse)
        {
            var (sae, objective) = Make(config, seed: 5);
            objective.SparseKernels = sparse;
            var output = objective.Forward(x, step);
            output.Loss.backward();
            Assert.True(output.Aux.item<float>() > 0, "AuxK is on");
            var grads = sae.Parameters.Select(p => (p.Name, p.Tensor.grad!.clone())).ToList();
            return (grads, output.Loss.item<float>(), output.Reconstruction.detach(), output.DenseLatents());
        }
    }

    static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        double scale = Math.Max(1e-3, expected.abs().max().item<float>());
        double error = (expected - actual).abs().max().item<float>();
        Assert.True(error <= 2e-5 * scale, $"{what}: max |dense − sparse| = {error:G3} at scale {scale:G3}");
    }

    [Theory]
    [InlineData("Topk")]
    [InlineData("BatchTopk")]
    public void SparseAndDenseTrainingFollowTheSameCurve(string name)
    {
        var source = new SyntheticSourceConfig { NFeatures = 48, DIn = DIn, Firing = new FiringConfig { MeanActive = 3 } };
        var config = Config(Enum.Parse<SaeArchitecture>(name), 4) with { Lr = 1e-3, DeadAfterTokens = Batch * 20, ThresholdStartStep = 50 };
        var curves = new[] { false, true }.Select(sparse =>
        {
            using var planted = new PlantedFeatureSource(source, seed: 3);
            using var data = TorchRuntime.Generator(3, "test/data");
            var rows = new ActivationRows(Batch, DIn, 1);
            var (sae, objective) = Make(config, seed: 9);
            objective.SparseKernels = sparse;
            using var trainer = new SaeTrainer(objective, config, TorchRuntime.Generator(9, "test/resample"));
            return Enumerable.Range(0, 200).Select(step =>
            {
                planted.Sample(Batch, data, 0, rows);
                using var scope = NewDisposeScope();
                return trainer.Step(RowTensors.FromRows(rows.Acts, Batch, DIn), step, log: false).Loss;
            }).ToArray();
        }).ToArray();
        for (int step = 0; step < curves[0].Length; step++)
            Assert.True(Math.Abs(curves[0][step] - curves[1][step]) <= 1e-4 * Math.Abs(curves[0][step]),
                        $"step {step}: dense loss {curves[0][step]:G7}, sparse {curves[1][step]:G7}");
    }

    /// <summary>pre = I·pre + 0, so a selection sees exactly the matrix the test makes.</summary>
    static KSparseSelection Over(Tensor pre, long chunkRows) =>
        new(eye(pre.shape[0]), pre, zeros([pre.shape[1]]), ScalarType.Float32, chunkRows);

    static HashSet<(long, long)> Positions(KSparseSelection.Entries entries) =>
        entries.Rows.data<long>().Zip(entries.Cols.data<long>()).ToHashSet();

    static HashSet<(long, long)> Positions(Tensor dense)
    {
        var nz = dense.nonzero();
        return Enumerable.Range(0, (int)nz.shape[0]).Select(i => (nz[i, 0].item<long>(), nz[i, 1].item<long>())).ToHashSet();
    }

    [Theory]
    [InlineData(1, 0)]    // i.i.d. rows: every row's 2k candidates suffice
    [InlineData(4, 0)]
    [InlineData(4, 1)]    // one row holds most of the batch's largest values: its whole row is taken
    [InlineData(4, 2)]    // few positives: fewer than k·B are kept
    [InlineData(50, 0)]   // 2k ≥ d_sae: every entry is a candidate
    public void BatchTopKCandidatesSelectWhatTheFullSortSelects(int k, int shape)
    {
        const int rows = 40, cols = 80;
        var pre = randn([rows, cols], generator: new Generator(17));
        if (shape == 1) pre[3] = pre[3].abs() + 5;
        if (shape == 2) pre = pre - 2.5;
        var expected = Positions(BatchTopKSae.KeepBatchTopK(pre, k));
        foreach (long chunk in new long[] { 1, 7, rows })
        {
            var (kept, aux) = Over(pre, chunk).BatchTopK(k, dead: null, kAux: 0);
            Assert.Null(aux);
            Assert.Equal(expected, Positions(kept));
            Assert.True(kept.Values.eq(pre.index(kept.Rows, kept.Cols)).all().item<bool>());
        }
        if (shape == 2) Assert.True(expected.Count < k * rows);
    }

    [Fact]
    public void TopKAndAuxKSelectionsAreEachRowsLargestPositives()
    {
        var pre = randn([30, 50], generator: new Generator(23)) - 0.8;
        var dead = tensor(new long[] { 2, 3, 11, 40, 41, 49 });
        foreach (long chunk in new long[] { 1, 4, 30 })
        {
            var (kept, aux) = Over(pre, chunk).TopK(6, dead, kAux: 3);
            Assert.Equal(Positions(TopKSae.KeepTopK(pre, 6)), Positions(kept));
            var deadOnly = full([30, 50], -1f).index_copy(1, dead, pre.index_select(1, dead));
            Assert.Equal(Positions(TopKSae.KeepTopK(deadOnly, 3)), Positions(aux!));
        }
    }

    [Fact]
    public void TheCpuSampledProductIsTheDenseProductAtTheKeptEntries()
    {
        var g = new Generator(31);
        var y = randn([20, 37], generator: g);   // d not a multiple of the SIMD width
        var w = randn([60, 37], generator: g);
        var rows = randint(0, 20, [500], generator: g);
        var cols = randint(0, 60, [500], generator: g);
        var dense = y.matmul(w.t());
        var expected = dense.index(rows, cols);
        Assert.True((SparseKernels.Sampled(rows, cols, y, w) - expected).abs().max().item<float>() < 1e-4);
        // The device-agnostic path (any device, any dtype) gives the same.
        Assert.True((SparseKernels.Sampled(rows, cols, y.to(ScalarType.Float64), w.to(ScalarType.Float64)) - expected.to(ScalarType.Float64)).abs().max().item<double>() < 1e-4);
    }

    [Fact]
    public void CombineAndScatterAreTheDenseProductsOfTheKeptEntries()
    {
        var g = new Generator(37);
        const int rows = 20, latents = 60, d = 37;
        // Each row keeps 6 distinct latents, in no particular order, as BatchTopK's entries come.
        var cols = stack(Enumerable.Range(0, rows).Select(_ => randperm(latents, generator: g)[..6]).ToArray()).flatten();
        var rowIndex = arange(rows, ScalarType.Int64).repeat_interleave(6);
        var order = randperm(rowIndex.shape[0], generator: g);
        (rowIndex, cols) = (rowIndex.index_select(0, order), cols.index_select(0, order));
        var values = randn([rowIndex.shape[0]], generator: g);
        var dense = zeros([rows, latents]).index_put_(values, rowIndex, cols);
        var w = randn([latents, d], generator: g);
        var y = randn([rows, d], generator: g);
        foreach (var type in new[] { ScalarType.Float32, ScalarType.Float64 })   // the CPU loops, then libtorch's COO product
        {
            var combined = SparseKernels.Combine(rowIndex, cols, values.to(type), w.to(type), rows);
            Assert.True((combined.to(ScalarType.Float32) - dense.matmul(w)).abs().max().item<float>() < 1e-4, $"{type} combine");
            var scattered = SparseKernels.Scatter(rowIndex, cols, values.to(type), y.to(type), latents);
            Assert.True((scattered.to(ScalarType.Float32) - dense.t().matmul(y)).abs().max().item<float>() < 1e-4, $"{type} scatter");
        }
    }

    [Theory]
    [InlineData(3)]      // 3 of 96 latents per row: decoded from the kept entries
    [InlineData(96)]     // dense: the matmul
    public void DecodingWithoutGradientIsTheDenseDecodeWhetherSparseOrNot(int k)
    {
        var config = Config(SaeArchitecture.Topk, k);
        var (sae, _) = Make(config, seed: 6);
        using var noGrad = no_grad();
        var f = sae.Encode(Inputs(8));
        var expected = f.matmul(sae.W_dec) + sae.b_dec;
        AssertClose(expected, sae.Decode(f), "x̂");
    }

    [Theory]
    [InlineData(1, 1000)]
    [InlineData(5, 37)]      // rows shorter than a few SIMD vectors, not a multiple of the width
    [InlineData(32, 1024)]
    [InlineData(64, 64)]     // k = the row length: every entry
    public void TheCpuRowTopKSelectsTorchsTopK(int k, int cols)
    {
        var g = new Generator(53);
        var pre = randn([50, cols], generator: g);
        pre[7] = arange(cols, ScalarType.Float32);   // ascending: every entry raises the threshold
        pre[8] = -arange(cols, ScalarType.Float32);  // descending: the first k are the answer
        pre[9, cols / 2] = float.NaN;                // NaN ranks above every number, as in torch.topk
        var (values, indices) = SparseKernels.RowTopK(pre, k);
        var (expectedValues, expectedIndices) = pre.topk(k, dim: 1, largest: true, sorted: false);
        for (int r = 0; r < 50; r++)
        {
            Assert.Equal(expectedIndices[r].data<long>().Order(), indices[r].data<long>().Order());
            Assert.True(pre[r].index_select(0, indices[r]).nan_to_num(99).eq(values[r].nan_to_num(99)).all().item<bool>());
        }
    }
}
