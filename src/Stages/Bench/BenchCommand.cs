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
/// those matmuls (Gated's second decode, AuxK's, top-k selection, element-wise work). TopK and BatchTopK run with
/// every latent that missed the previous batch counted dead, so AuxK is always on: their worst case.
/// </summary>
public static class BenchCommand
{
    public static int Run(CommandLine cl)
    {
        // Defaults: the shapes of the default pipeline.yaml (d_in 128, d_sae 1024, batch 1024).
        int d = cl.Int("d-in", 128), f = cl.Int("d-sae", 1024), b = cl.Int("batch", 1024), k = cl.Int("k", 32);
        int steps = cl.Int("steps", 20), rounds = cl.Int("rounds", 15), warmup = cl.Int("warmup", 5);
        if (!Enum.TryParse<DeviceChoice>(cl.Get("device") ?? "auto", ignoreCase: true, out var choice))
            throw new PipelineException($"--device must be auto, cpu or cuda, got '{cl.Get("device")}'", "bench");
        var dtype = (cl.Get("dtype") ?? "float32") switch
        {
            "float32" => MatmulDtype.Float32,
            "bfloat16" => MatmulDtype.Bfloat16,
            var other => throw new PipelineException($"--dtype must be float32 or bfloat16, got '{other}'", "bench"),
        };
        var architectures = (cl.Get("architecture") ?? "all") == "all"
            ? Enum.GetValues<SaeArchitecture>()
            : [Json.Deserialize<SaeArchitecture>(System.Text.Json.Nodes.JsonValue.Create(cl.Get("architecture"))!, "--architecture")];
        var device = TorchRuntime.Resolve(choice);
        double flops = 10.0 * b * d * f;
        Console.WriteLine($"bench: SAE training step vs raw matmuls, d_in {d}, d_sae {f}, batch {b}, k {k}, {(dtype == MatmulDtype.Bfloat16 ? "bf16" : "float32")} matmuls, " +
                          $"device {TorchRuntime.Describe(device)}, GLIBC_TUNABLES={Environment.GetEnvironmentVariable("GLIBC_TUNABLES") ?? "(unset)"}");
        Console.WriteLine($"  {rounds} rounds × {steps} iterations each, interleaved; medians; FLOPs counted as 10·B·d·F = {flops / 1e9:F2} GFLOP per step");
        Console.WriteLine("  architecture   step ms   GFLOP/s   matmul GFLOP/s   ratio   step p10–p90 ms");

        using var g = TorchRuntime.Generator(0, "bench");
        var matmulType = dtype == MatmulDtype.Bfloat16 ? ScalarType.BFloat16 : ScalarType.Float32;
        using var x = randn([b, d], generator: g).relu_().to(device);
        using var xm = x.to(matmulType);
        using var wEnc = randn([d, f], generator: g).to(device).to(matmulType);
        using var wDec = randn([f, d], generator: g).to(device).to(matmulType);
        using var acts = randn([b, f], generator: g).to(device).to(matmulType);
        using var gradOut = randn([b, d], generator: g).to(device).to(matmulType);
        void Matmuls()
        {
            using var scope = NewDisposeScope();
            _ = xm.matmul(wEnc);            // encoder forward        [B,d]·[d,F]
            _ = acts.matmul(wDec);          // decoder forward        [B,F]·[F,d]
            _ = acts.t().matmul(gradOut);   // ∂W_dec = fᵀ·∂x̂        [F,B]·[B,d]
            _ = gradOut.matmul(wDec.t());   // ∂f = ∂x̂·W_decᵀ        [B,d]·[d,F]
            _ = xm.t().matmul(acts);        // ∂W_enc = xᵀ·∂pre      [d,B]·[B,F]
            Synchronize(device);
        }

        foreach (var architecture in architectures)
        {
            var config = new SaeConfig
            {
                Name = "bench", Architecture = architecture, DSae = f, BatchSize = b, LrWarmupSteps = 0, SparsityWarmupSteps = 0,
                K = SaeArchitectures.Of(architecture).Keys.Contains("k") ? k : null, ThresholdStartStep = 0,
                DeadAfterTokens = b, MatmulDtype = dtype, TrainingTokens = (long)b * 1_000_000,
            };
            using var sae = SaeInitialization.Create(config, d, TorchRuntime.Generator(0, "bench/init"), device);
            sae.MatmulDtype = matmulType;
            using var trainer = new SaeTrainer(SaeObjective.Create(config, sae), config, TorchRuntime.Generator(0, "bench/resample", device));
            long step = 0;
            void SaeStep() => trainer.Step(x, step++, log: false);

            for (int i = 0; i < warmup; i++) { SaeStep(); Matmuls(); }
            var stepTimes = new List<double>();
            var matmulTimes = new List<double>();
            for (int r = 0; r < rounds; r++)
            {
                stepTimes.AddRange(Time(SaeStep, steps, device));
                matmulTimes.AddRange(Time(Matmuls, steps, device));
            }
            double stepMs = Median(stepTimes), matmulMs = Median(matmulTimes);
            Console.WriteLine($"  {Json.ToNode(architecture).GetValue<string>(),-12} {stepMs,9:F2} {flops / stepMs / 1e6,9:F1} {flops / matmulMs / 1e6,16:F1} {matmulMs / stepMs,7:F3}" +
                              $"   {Percentile(stepTimes, 0.1):F1}–{Percentile(stepTimes, 0.9):F1}");
        }
        return 0;
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
