using System.Diagnostics;
using SaePipeline.Config;
using SaePipeline.Runtime;
using SaePipeline.Sae;
using TorchSharp;
using static TorchSharp.torch;

namespace SaePipeline.Bench;

/// <summary>
/// `stages bench`: the throughput of a real TrainSae step (SaeTrainer.Step: the architecture's forward and loss,
/// backward, decoder projection, clipping, Adam, renormalisation, threshold updates, dead-latent bookkeeping) for every
/// architecture, each against the five raw matmuls a dense SAE step is made of, timed in the same process and
/// interleaved round by round so machine noise hits both alike. A dense step costs 10·B·d·F FLOPs (docs/sae-training.md §5.2:
/// encoder and decoder forward, decoder weight and input gradients, encoder weight gradient; no gradient for x);
/// every architecture is counted that way, so the ratio says how much each loses to everything that is not one of
/// those matmuls (Gated's second decode, AuxK's, top-k selection, element-wise work), or, above 1, how much a sparse
/// step saves of them. k-sparse architectures (TopK, BatchTopK) are also timed with their dense step (the same function
/// through dense autograd, KSparseObjective.SparseKernels = false) in the same rounds. TopK and BatchTopK run with every
/// latent that missed the previous batch counted dead, so AuxK is always on: their worst case.
/// </summary>
public static class BenchCommand
{
    /// <summary>The largest shape the issue tracks (a Pythia-70M-sized SAE at 32× expansion, a typical TopK batch).</summary>
    static readonly (int D, int F, int B, int K) Large = (512, 16384, 4096, 64);

    public static int Run(CommandLine cl)
    {
        // Defaults: the shapes of the default pipeline.yaml (d_in 128, d_sae 1024, batch 1024), or --shape large.
        bool large = (cl.Get("shape") ?? "default") switch
        {
            "default" => false,
            "large" => true,
            var other => throw new PipelineException($"--shape must be default or large, got '{other}'", "bench"),
        };
        int d = cl.Int("d-in", large ? Large.D : 128), f = cl.Int("d-sae", large ? Large.F : 1024);
        int b = cl.Int("batch", large ? Large.B : 1024), k = cl.Int("k", large ? Large.K : 32);
        // A large step takes seconds, so fewer, shorter rounds.
        int steps = cl.Int("steps", large ? 2 : 20), rounds = cl.Int("rounds", large ? 3 : 15), warmup = cl.Int("warmup", large ? 1 : 5);
        if (!Enum.TryParse<DeviceChoice>(cl.Get("device") ?? "auto", ignoreCase: true, out var choice))
            throw new PipelineException($"--device must be auto, cpu or cuda, got '{cl.Get("device")}'", "bench");
        MatmulDtype[] dtypes = (cl.Get("dtype") ?? "both") switch
        {
            "both" => [MatmulDtype.Float32, MatmulDtype.Bfloat16],
            "float32" => [MatmulDtype.Float32],
            "bfloat16" => [MatmulDtype.Bfloat16],
            var other => throw new PipelineException($"--dtype must be float32, bfloat16 or both, got '{other}'", "bench"),
        };
        var architectures = (cl.Get("architecture") ?? "all") == "all"
            ? Enum.GetValues<SaeArchitecture>()
            : cl.Get("architecture")!.Split(',').Select(a => Json.Deserialize<SaeArchitecture>(System.Text.Json.Nodes.JsonValue.Create(a.Trim())!, "--architecture")).ToArray();
        var device = TorchRuntime.Resolve(choice);
        double flops = 10.0 * b * d * f;
        Console.WriteLine($"bench: SAE training step vs raw matmuls, d_in {d}, d_sae {f}, batch {b}, k {k}, device {TorchRuntime.Describe(device)}, " +
                          $"GLIBC_TUNABLES={Environment.GetEnvironmentVariable("GLIBC_TUNABLES") ?? "(unset)"}");
        Console.WriteLine($"  {rounds} rounds × {steps} iterations each, interleaved; medians; FLOPs counted as 10·B·d·F = {flops / 1e9:F2} GFLOP per step; " +
                          "ratio = step GFLOP/s ÷ matmul GFLOP/s; vs dense = dense step ms ÷ step ms (k-sparse architectures)");
        foreach (var dtype in dtypes)
        {
            Console.WriteLine($"  {(dtype == MatmulDtype.Bfloat16 ? "bf16" : "float32")} matmuls");
            Console.WriteLine("  architecture   step ms   dense step ms   vs dense   GFLOP/s   matmul GFLOP/s   ratio   step p10–p90 ms");
            var matmuls = new RawMatmuls(b, d, f, dtype, device);
            foreach (var architecture in architectures)
                BenchArchitecture(architecture, dtype, matmuls, (d, f, b, k), (steps, rounds, warmup), device, flops);
        }
        return 0;
    }

    static void BenchArchitecture(SaeArchitecture architecture, MatmulDtype dtype, RawMatmuls matmuls, (int D, int F, int B, int K) shape,
                                  (int Steps, int Rounds, int Warmup) timing, Device device, double flops)
    {
        var config = new SaeConfig
        {
            Name = "bench", Architecture = architecture, DSae = shape.F, BatchSize = shape.B, LrWarmupSteps = 0, SparsityWarmupSteps = 0,
            K = SaeArchitectures.Of(architecture).Keys.Contains("k") ? shape.K : null, ThresholdStartStep = 0,
            DeadAfterTokens = shape.B, MatmulDtype = dtype, TrainingTokens = (long)shape.B * 1_000_000,
        };
        using var step = new TimedTrainer(config, shape.D, matmuls.Inputs, device, sparse: true);
        // The dense step of the same architecture, where it has a sparse one (same initialisation, same batch).
        using var dense = step.Objective is KSparseObjective ? new TimedTrainer(config, shape.D, matmuls.Inputs, device, sparse: false) : null;

        for (int i = 0; i < timing.Warmup; i++) { step.Step(); dense?.Step(); matmuls.Run(); }
        var stepTimes = new List<double>();
        var denseTimes = new List<double>();
        var matmulTimes = new List<double>();
        for (int r = 0; r < timing.Rounds; r++)
        {
            stepTimes.AddRange(Time(step.Step, timing.Steps, device));
            if (dense is not null) denseTimes.AddRange(Time(dense.Step, timing.Steps, device));
            matmulTimes.AddRange(Time(matmuls.Run, timing.Steps, device));
        }
        double stepMs = Median(stepTimes), matmulMs = Median(matmulTimes);
        string denseMs = dense is null ? "—" : $"{Median(denseTimes):F2}", speedup = dense is null ? "—" : $"{Median(denseTimes) / stepMs:F2}×";
        Console.WriteLine($"  {Json.ToNode(architecture).GetValue<string>(),-12} {stepMs,9:F2} {denseMs,15} {speedup,10} {flops / stepMs / 1e6,9:F1} " +
                          $"{flops / matmulMs / 1e6,16:F1} {matmulMs / stepMs,7:F3}   {Percentile(stepTimes, 0.1):F1}–{Percentile(stepTimes, 0.9):F1}");
    }

    /// <summary>A trainer on one fixed batch, stepping on each call.</summary>
    sealed class TimedTrainer : IDisposable
    {
        readonly SparseAutoencoder sae;
        readonly SaeTrainer trainer;
        readonly Tensor x;
        long step;

        public TimedTrainer(SaeConfig config, int dIn, Tensor x, Device device, bool sparse)
        {
            this.x = x;
            sae = SaeInitialization.Create(config, dIn, TorchRuntime.Generator(0, "bench/init"), device);
            sae.MatmulDtype = config.MatmulDtype == MatmulDtype.Bfloat16 ? ScalarType.BFloat16 : ScalarType.Float32;
            Objective = SaeObjective.Create(config, sae);
            if (Objective is KSparseObjective kSparse) kSparse.SparseKernels = sparse;
            trainer = new SaeTrainer(Objective, config, TorchRuntime.Generator(0, "bench/resample", device));
        }

        public SaeObjective Objective { get; }

        public void Step() => trainer.Step(x, step++, log: false);

        public void Dispose()
        {
            trainer.Dispose();
            sae.Dispose();
        }
    }

    /// <summary>The five matmuls of a dense step, on random operands of the step's shapes and matmul dtype.</summary>
    sealed class RawMatmuls
    {
        readonly Tensor xm, wEnc, wDec, acts, gradOut;
        readonly Device device;

        public RawMatmuls(int b, int d, int f, MatmulDtype dtype, Device device)
        {
            this.device = device;
            var g = TorchRuntime.Generator(0, "bench");
            var type = dtype == MatmulDtype.Bfloat16 ? ScalarType.BFloat16 : ScalarType.Float32;
            Inputs = randn([b, d], generator: g).relu_().to(device).DetachFromDisposeScope();
            xm = Inputs.to(type).DetachFromDisposeScope();
            wEnc = randn([d, f], generator: g).to(device).to(type).DetachFromDisposeScope();
            wDec = randn([f, d], generator: g).to(device).to(type).DetachFromDisposeScope();
            acts = randn([b, f], generator: g).to(device).to(type).DetachFromDisposeScope();
            gradOut = randn([b, d], generator: g).to(device).to(type).DetachFromDisposeScope();
        }

        /// <summary>The training batch [B, d_in] (float32), the same for every architecture.</summary>
        public Tensor Inputs { get; }

        public void Run()
        {
            using var scope = NewDisposeScope();
            _ = xm.matmul(wEnc);            // encoder forward        [B,d]·[d,F]
            _ = acts.matmul(wDec);          // decoder forward        [B,F]·[F,d]
            _ = acts.t().matmul(gradOut);   // ∂W_dec = fᵀ·∂x̂        [F,B]·[B,d]
            _ = gradOut.matmul(wDec.t());   // ∂f = ∂x̂·W_decᵀ        [B,d]·[d,F]
            _ = xm.t().matmul(acts);        // ∂W_enc = xᵀ·∂pre      [d,B]·[B,F]
            Synchronize(device);
        }
    }

    static IEnumerable<double> Time(Action action, int n, Device device)
    {
        var times = new double[n];
        for (int i = 0; i < n; i++)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            Synchronize(device);
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        return times;
    }

    static void Synchronize(Device device)
    {
        if (device.type == DeviceType.CUDA) cuda.synchronize();
    }

    static double Median(List<double> v) => Percentile(v, 0.5);

    static double Percentile(List<double> v, double q)
    {
        var s = v.Order().ToList();
        return s[(int)Math.Round(q * (s.Count - 1))];
    }
}
