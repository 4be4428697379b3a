using System.Diagnostics;
using System.Text.Json.Nodes;
using SaePipeline.Formats;
using SaePipeline.Models;
using SaePipeline.Runtime;
using static TorchSharp.torch;

namespace SaePipeline.Bench;

/// <summary>
/// `stages bench lm`: forward throughput of a GPT-2-small-shaped model (12 layers, d_model 768, 12 heads, vocab 50257)
/// built in memory with random weights, in float32 and bfloat16, run to block L (what caching activations costs) and
/// to the logits (what evaluation costs). Each is timed against the raw matmuls the same forward is made of (every
/// projection, the attention products, the unembedding), interleaved round by round, so the ratio says how much the
/// forward loses to everything that is not a matmul. Peak RSS is measured per configuration; loading is measured on a
/// checkpoint written to a temp folder, as peak RSS growth over the file's size, in a fresh process.
/// </summary>
public static class LanguageModelBench
{
    const int Layers = 12, DModel = 768, Heads = 12, Vocab = 50257, Positions = 1024;

    public static int Run(CommandLine cl)
    {
        int batch = cl.Int("batch", 8), context = cl.Int("context", 128), toLayer = cl.Int("layer", 6), rounds = cl.Int("rounds", 5);
        if (cl.Get("memory-of") is { } folder) return MemoryChild(folder, cl.Require("dtype"), batch, context);
        if (toLayer < 1 || toLayer > Layers) throw new PipelineException($"--layer must be in 1..{Layers}", "bench");
        if (!Enum.TryParse<DeviceChoice>(cl.Get("device") ?? "auto", ignoreCase: true, out var choice))
            throw new PipelineException($"--device must be auto, cpu or cuda, got '{cl.Get("device")}'", "bench");
        var device = TorchRuntime.Resolve(choice);
        var config = new Gpt2.Config(Vocab, Positions, DModel, Layers, Heads, 4 * DModel, 1e-5, "gelu_new", true, false, true);
        Console.WriteLine($"bench lm: GPT-2-small shape ({Layers} layers, d_model {DModel}, vocab {Vocab}), batch {batch} × context {context} " +
                          $"= {batch * context} tokens, device {TorchRuntime.Describe(device)}, {rounds} rounds, medians");
        using var generator = TorchRuntime.Generator(0, "bench-lm");
        using var ids = randint(0, Vocab, [batch, context], generator: generator).to(device);
        string dir = WriteCheckpoint(config);
        try
        {
            long fileBytes = new FileInfo(Path.Combine(dir, Checkpoint.SingleFile)).Length;
            foreach (var dtype in new[] { ScalarType.Float32, ScalarType.BFloat16 })
            {
                using var model = ModelLoader.Load(dir, dtype, device);
                string name = ModelLoader.DtypeName(dtype);
                Console.WriteLine($"  {name}: {model.ParameterCount / 1e6:F1} M parameters, {model.ParameterCount * (dtype == ScalarType.Float32 ? 4 : 2) / 1e6:F0} MB of weights");
                Measure(model, ids, dtype, device, $"to layer {toLayer} of {Layers}",
                        new ForwardRequest { Capture = [$"blocks.{toLayer - 1}.hook_resid_post"], StopAtLayer = toLayer - 1 },
                        MatmulFlops(batch, context, toLayer, logits: false), rounds);
                Measure(model, ids, dtype, device, "to logits", new ForwardRequest { Logits = true },
                        MatmulFlops(batch, context, Layers, logits: true), rounds);
                if (device.type == TorchSharp.DeviceType.CPU) ReportMemory(dir, name, batch, context, fileBytes);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
        return 0;
    }

    /// <summary>A random GPT-2-small checkpoint (float32 safetensors + config.json) in a temp folder.</summary>
    static string WriteCheckpoint(Gpt2.Config config)
    {
        string dir = Path.Combine(Path.GetTempPath(), $"sae-bench-lm-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        using (var model = new Gpt2(config, Models.Layers.Activation(config.Activation, "bench"), new InitialWeights(0, ScalarType.Float32, CPU), ScalarType.Float32, CPU))
            Safetensors.Save(Path.Combine(dir, Checkpoint.SingleFile), model.Weights.ToDictionary(w => w.Name, w => w.Tensor));
        File.WriteAllText(Path.Combine(dir, HfConfig.FileName), new JsonObject
        {
            ["model_type"] = "gpt2", ["vocab_size"] = config.VocabSize, ["n_positions"] = config.NPositions, ["n_embd"] = config.DModel,
            ["n_layer"] = config.NLayers, ["n_head"] = config.NHeads, ["n_inner"] = null, ["activation_function"] = config.Activation,
        }.ToJsonString());
        return dir;
    }

    /// <summary>
    /// Peak RSS is measured in a fresh child process: in this one, memory freed by earlier measurements stays mapped
    /// (the allocator keeps it), which would hide what loading and a forward pass really need.
    /// </summary>
    static void ReportMemory(string dir, string dtype, int batch, int context, long fileBytes)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false, RedirectStandardOutput = true };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet") start.ArgumentList.Add(typeof(LanguageModelBench).Assembly.Location);
        foreach (var a in new[] { "bench", "lm", "--memory-of", dir, "--dtype", dtype, "--batch", $"{batch}", "--context", $"{context}" }) start.ArgumentList.Add(a);
        using var child = Process.Start(start)!;
        string line = child.StandardOutput.ReadToEnd().Trim();
        child.WaitForExit();
        var m = JsonNode.Parse(line)!;
        double Mb(string key) => m[key]!.GetValue<long>() / 1e6;
        Console.WriteLine($"    memory (fresh process): loading the {fileBytes / 1e6:F0} MB float32 file raised peak RSS by {Mb("load_peak") - Mb("base"):F0} MB " +
                          $"({(Mb("load_peak") - Mb("base")) * 1e6 / fileBytes:F2}× the file) in {m["load_seconds"]} s; one forward to logits: peak RSS {Mb("forward_peak"):F0} MB");
    }

    /// <summary>The child: load, one forward pass to logits; print RSS figures as one JSON line.</summary>
    static int MemoryChild(string folder, string dtypeName, int batch, int context)
    {
        var dtype = ModelLoader.ParseDtype(dtypeName, "--dtype");
        using (var warm = ones(1).add(1)) { }   // libtorch's own start-up memory belongs to the baseline
        long baseline = Rss.Current();
        Rss.ResetPeak();
        var clock = Stopwatch.StartNew();
        using var model = ModelLoader.Load(folder, dtype, CPU);
        double seconds = clock.Elapsed.TotalSeconds;
        long loadPeak = Rss.Peak();
        using var ids = randint(0, Vocab, [batch, context]);
        using (var noGrad = no_grad())
        using (var result = model.Forward(ids, null, new ForwardRequest { Logits = true })) { }
        Console.WriteLine(new JsonObject { ["base"] = baseline, ["load_peak"] = loadPeak, ["load_seconds"] = Math.Round(seconds, 2), ["forward_peak"] = Rss.Peak() }.ToJsonString());
        return 0;
    }

    /// <summary>2·m·k·n per matmul: per block q/k/v, out, MLP up and down projections and the two attention products; then the unembedding.</summary>
    static double MatmulFlops(int batch, int context, int layers, bool logits)
    {
        double tokens = (double)batch * context;
        double perBlock = 2 * tokens * DModel * (3 * DModel + DModel + 4 * DModel + 4 * DModel) + 2 * 2 * batch * (double)context * context * DModel;
        return layers * perBlock + (logits ? 2 * tokens * DModel * Vocab : 0);
    }

    static void Measure(LanguageModel model, Tensor ids, ScalarType dtype, Device device, string what, ForwardRequest request, double flops, int rounds)
    {
        int batch = (int)ids.shape[0], context = (int)ids.shape[1], layers = request.StopAtLayer is int s ? s + 1 : Layers;
        var g = TorchRuntime.Generator(1, "bench-lm/matmuls");
        var x = randn([batch * context, DModel], generator: g).to(dtype, device);
        var wQkv = randn([DModel, 3 * DModel], generator: g).to(dtype, device);
        var wOut = randn([DModel, DModel], generator: g).to(dtype, device);
        var wUp = randn([DModel, 4 * DModel], generator: g).to(dtype, device);
        var wDown = randn([4 * DModel, DModel], generator: g).to(dtype, device);
        var h = randn([batch * context, 4 * DModel], generator: g).to(dtype, device);
        var q = randn([batch * Heads, context, DModel / Heads], generator: g).to(dtype, device);
        var probs = randn([batch * Heads, context, context], generator: g).to(dtype, device);
        var unembed = randn([DModel, Vocab], generator: g).to(dtype, device);

        void Forward()
        {
            using var noGrad = no_grad();
            using var result = model.Forward(ids, null, request);
            Synchronize(device);
        }
        void Matmuls()
        {
            using var noGrad = no_grad();
            for (int l = 0; l < layers; l++)
            {
                using var scope = NewDisposeScope();
                _ = x.matmul(wQkv); _ = x.matmul(wOut); _ = x.matmul(wUp); _ = h.matmul(wDown);
                _ = q.bmm(q.transpose(1, 2)); _ = probs.bmm(q);
            }
            if (request.Logits) { using var logits = x.matmul(unembed); }
            Synchronize(device);
        }

        Forward(); Matmuls();   // warm-up
        var forwardTimes = new List<double>();
        var matmulTimes = new List<double>();
        for (int r = 0; r < rounds; r++)
        {
            forwardTimes.Add(Time(Forward));
            matmulTimes.Add(Time(Matmuls));
        }
        double f = Median(forwardTimes), m = Median(matmulTimes);
        Console.WriteLine($"    {what,-18} {batch * context / f,9:F0} tokens/s  {flops / f / 1e9,6:F1} GFLOP/s   raw matmuls {flops / m / 1e9,6:F1} GFLOP/s   " +
                          $"ratio {m / f:F2}   ({f * 1e3:F0} ms vs {m * 1e3:F0} ms per pass)");
        foreach (var t in new[] { x, wQkv, wOut, wUp, wDown, h, q, probs, unembed }) t.Dispose();
        g.Dispose();
    }

    static double Time(Action action)
    {
        long start = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    static void Synchronize(Device device)
    {
        if (device.type == TorchSharp.DeviceType.CUDA) cuda.synchronize();
    }

    static double Median(List<double> v) => v.Order().ElementAt(v.Count / 2);
}
