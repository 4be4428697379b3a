using System.Diagnostics;
using SaePipeline.Config;
using SaePipeline.Runtime;
using SaePipeline.Sae;
using TorchSharp;
using static TorchSharp.torch;

namespace SaePipeline.Bench;

/// <summary>
/// `stages bench`: the throughput of a real TrainSae step (StandardTrainer.Step: forward, loss, backward, decoder
/// projection, Adam, renormalisation, dead-latent bookkeeping) against the five raw matmuls that step is made of,
/// timed in the same process, interleaved round by round so machine noise hits both alike. An SAE step costs
/// 10·B·d·F FLOPs (sae-anchors §5.2: encoder and decoder forward, decoder weight and input gradients, encoder weight
/// gradient; no gradient for x), so the ratio of the two rates says how much the step loses to everything that is
/// not a matmul.
/// </summary>
public static class BenchCommand
{
    public static int Run(CommandLine cl)
    {
        // Defaults: the shapes of the default pipeline.yaml (d_in 256, d_sae 1024, batch 1024).
        int d = cl.Int("d-in", 256), f = cl.Int("d-sae", 1024), b = cl.Int("batch", 1024);
        int steps = cl.Int("steps", 20), rounds = cl.Int("rounds", 15), warmup = cl.Int("warmup", 5);
        if (!Enum.TryParse<DeviceChoice>(cl.Get("device") ?? "auto", ignoreCase: true, out var choice))
            throw new PipelineException($"--device must be auto, cpu or cuda, got '{cl.Get("device")}'", "bench");
        var device = TorchRuntime.Resolve(choice);
        double flops = 10.0 * b * d * f;
        Console.WriteLine($"bench: SAE step vs raw matmul, d_in {d}, d_sae {f}, batch {b}, float32, device {TorchRuntime.Describe(device)}, " +
                          $"GLIBC_TUNABLES={Environment.GetEnvironmentVariable("GLIBC_TUNABLES") ?? "(unset)"}");

        using var g = TorchRuntime.Generator(0, "bench");
        var config = new SaeConfig { Name = "bench", DSae = f, BatchSize = b, L1Coefficient = 0.1, LrWarmupSteps = 0, SparsityWarmupSteps = 0 };
        using var sae = ReluSae.Initialize(d, f, g, device);
        using var trainer = new StandardTrainer(sae, config, TorchRuntime.Generator(0, "bench/resample", device));
        using var x = randn([b, d], generator: g).relu_().to(device);
        using var wEnc = randn([d, f], generator: g).to(device);
        using var wDec = randn([f, d], generator: g).to(device);
        using var acts = randn([b, f], generator: g).to(device);
        using var gradOut = randn([b, d], generator: g).to(device);

        long step = 0;
        void SaeStep() => trainer.Step(x, step++, log: false);
        void Matmuls()
        {
            using var scope = NewDisposeScope();
            _ = x.matmul(wEnc);             // encoder forward        [B,d]·[d,F]
            _ = acts.matmul(wDec);          // decoder forward        [B,F]·[F,d]
            _ = acts.t().matmul(gradOut);   // ∂W_dec = fᵀ·∂x̂        [F,B]·[B,d]
            _ = gradOut.matmul(wDec.t());   // ∂f = ∂x̂·W_decᵀ        [B,d]·[d,F]
            _ = x.t().matmul(acts);         // ∂W_enc = xᵀ·∂pre      [d,B]·[B,F]
            Synchronize(device);
        }

        for (int i = 0; i < warmup; i++) { SaeStep(); Matmuls(); }
        var stepTimes = new List<double>();
        var matmulTimes = new List<double>();
        for (int r = 0; r < rounds; r++)
        {
            stepTimes.AddRange(Time(SaeStep, steps, device));
            matmulTimes.AddRange(Time(Matmuls, steps, device));
        }
        double stepMs = Median(stepTimes), matmulMs = Median(matmulTimes);
        Console.WriteLine($"  raw matmuls: {matmulMs,8:F2} ms  {flops / matmulMs / 1e6,7:F1} GFLOP/s   (p10–p90 {Percentile(matmulTimes, 0.1):F1}–{Percentile(matmulTimes, 0.9):F1} ms)");
        Console.WriteLine($"  SAE step:    {stepMs,8:F2} ms  {flops / stepMs / 1e6,7:F1} GFLOP/s   (p10–p90 {Percentile(stepTimes, 0.1):F1}–{Percentile(stepTimes, 0.9):F1} ms)");
        Console.WriteLine($"  ratio (SAE step rate / raw matmul rate): {matmulMs / stepMs:F3}   [{rounds} rounds × {steps} iterations each, medians]");
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
