using System.Diagnostics;
using System.Text.Json.Nodes;
using SaePipeline.Activations;
using SaePipeline.Config;
using SaePipeline.Data;
using SaePipeline.Models;
using SaePipeline.Models.Tokenizers;
using SaePipeline.Runtime;
using static TorchSharp.torch;

namespace SaePipeline.Bench;

/// <summary>
/// `stages bench cache`: what CacheActivations achieves against its floor. Round by round, interleaved, the same packed
/// rows of the built-in corpus go (a) through the bare forward to the hook layer and (b) through the whole cache path
/// (tokenized documents → packing → the same forward → token rows → Parquet shards in a temp folder), with the same
/// batch. The ratio of tokens/s says what tokenizing, copying and writing cost beyond the forward.
/// </summary>
public static class CacheBench
{
    public static int Run(CommandLine cl)
    {
        string folder = cl.Get("model") ?? throw new PipelineException(
            "bench cache needs --model <HF folder with a tokenizer>, e.g. the built-in model: artifacts/models/model-*/hf (run the default experiment first)", "bench");
        string hookName = cl.Get("hook") ?? "blocks.2.hook_resid_post";
        int batch = cl.Int("batch", 32), context = cl.Int("context", 128), rows = cl.Int("rows", 1024), rounds = cl.Int("rounds", 3);
        string dtype = cl.Get("dtype") ?? "float32";
        if (!Enum.TryParse<DeviceChoice>(cl.Get("device") ?? "auto", ignoreCase: true, out var choice))
            throw new PipelineException($"--device must be auto, cpu or cuda, got '{cl.Get("device")}'", "bench");
        var device = TorchRuntime.Resolve(choice);
        string? shape = cl.Get("shape");
        using var model = shape is null ? ModelLoader.Load(folder, ScalarType.Float32, device) : RandomModel(folder, shape, device);
        var tokenizer = TokenizerLoader.Load(folder);
        int bos = tokenizer.Special.Bos ?? throw new PipelineException($"{folder}: the tokenizer has no BOS token", folder);
        var hook = HookPoint.Parse(hookName, model.Dims.NLayers);
        var runner = new HookRunner(model, hook);
        var settings = new ModelCacheSettings
        {
            Hook = hook.Name, Context = context, Dtype = dtype == "bfloat16" ? ActivationDtype.Bfloat16 : ActivationDtype.Float32,
            BatchRows = batch, RowsPerShard = 262_144, RowsPerRowGroup = 4096, Device = choice,
        };
        var corpus = new DatasetSpec { Name = DatasetNames.MixedCorpus, Kind = DatasetKind.Text.Name, Generator = DatasetNames.MixedCorpus, Seed = 0 };
        // The rows of the bare forward are packed beforehand, outside the timing: only the forward is timed there.
        var packed = TokenPacking.Pack(tokenizer.EncodeMany(DatasetSource.Texts(corpus, DatasetSource.Train)), context, bos, bos)
            .Take(rows).Select(r => r.Tokens).ToList();
        long tokens = (long)rows * context;
        Console.WriteLine($"bench cache: {model.Dims.Architecture} d_model {model.Dims.DModel}{(shape is null ? "" : $" ({shape} shape, random weights)")}, to {hook.Name}, {rows} rows × {context} tokens, " +
                          $"batch {batch}, {dtype} storage, {TorchRuntime.Describe(device)}, {rounds} rounds, medians");

        var forward = new List<double>();
        var cache = new List<double>();
        var ids = new long[batch * context];
        for (int round = 0; round <= rounds; round++)   // round 0 warms up and is not counted
        {
            var clock = Stopwatch.StartNew();
            for (int start = 0; start < rows; start += batch)
            {
                int b = Math.Min(batch, rows - start);
                for (int i = 0; i < b; i++)
                    for (int t = 0; t < context; t++) ids[i * context + t] = packed[start + i][t];
                runner.Run(ids, b, context);
            }
            double bare = clock.Elapsed.TotalSeconds;

            string dir = Path.Combine(Path.GetTempPath(), $"sae-bench-cache-{Environment.ProcessId}-{round}");
            Directory.CreateDirectory(dir);
            try
            {
                clock.Restart();
                var schema = new ActivationSchema(model.Dims.DModel, [], settings.DtypeName);
                var documents = tokenizer.EncodeMany(DatasetSource.Texts(corpus, DatasetSource.Train));
                ModelCache.WritePacked(dir, "part", settings, runner, schema, ModelCache.Metadata("bench", settings, model.Dims.DModel),
                                       documents, rows, bos, null, 0, _ => { });
                double full = clock.Elapsed.TotalSeconds;
                if (round == 0) continue;
                forward.Add(tokens / bare);
                cache.Add(tokens / full);
                Console.WriteLine($"  round {round}: forward {tokens / bare:N0} tokens/s, cache {tokens / full:N0} tokens/s");
            }
            finally
            {
                Directory.Delete(dir, recursive: true);
            }
        }
        double f = Median(forward), c = Median(cache);
        Console.WriteLine($"bare forward to {hook.Name}: {f:N0} tokens/s");
        Console.WriteLine($"CacheActivations path:      {c:N0} tokens/s = {c / f:F2} × the bare forward");
        return 0;
    }

    /// <summary>
    /// A GPT-NeoX of a known model's shape with random weights and the folder's tokenizer, in memory. The cache path's
    /// own costs (tokenizing, packing, copying, Parquet) grow with d per token, the forward with d²·layers, so the ratio
    /// on the tiny built-in model is the worst case; this shows it at the size of a model users actually cache.
    /// </summary>
    static LanguageModel RandomModel(string folder, string shape, Device device)
    {
        var (dModel, layers, heads, dMlp) = shape switch
        {
            "pythia-70m" => (512, 6, 8, 2048),
            "pythia-160m" => (768, 12, 12, 3072),
            _ => throw new PipelineException($"--shape must be pythia-70m or pythia-160m, got '{shape}'", "bench"),
        };
        var config = (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(folder, HfConfig.FileName)))!;
        if (config["model_type"]?.GetValue<string>() != "gpt_neox")
            throw new PipelineException($"--shape builds a GPT-NeoX and needs a GPT-NeoX folder's config.json, such as the built-in model's", folder);
        config["hidden_size"] = dModel;
        config["num_hidden_layers"] = layers;
        config["num_attention_heads"] = heads;
        config["intermediate_size"] = dMlp;
        string dir = Path.Combine(Path.GetTempPath(), $"sae-bench-shape-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        try
        {
            File.WriteAllText(Path.Combine(dir, HfConfig.FileName), config.ToJsonString());
            return ModelLoader.Build(HfConfig.Read(dir), new InitialWeights(0, ScalarType.Float32, device), ScalarType.Float32, device);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    static double Median(List<double> xs)
    {
        var s = xs.Order().ToList();
        return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
    }
}
