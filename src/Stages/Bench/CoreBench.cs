using System.Diagnostics;
using SaePipeline.Activations.Core;
using SaePipeline.Config;
using SaePipeline.Data;
using SaePipeline.Evals.Core;
using SaePipeline.Models;
using SaePipeline.Models.Tokenizers;
using SaePipeline.Runtime;
using SaePipeline.Sae;
using static TorchSharp.torch;

namespace SaePipeline.Bench;

/// <summary>
/// `stages bench core`: what the shared-pass cache saves in SAEBench's core evaluation. On the same rows of the built-in
/// corpus and the same random SAEs (ReLU, or TopK with --architecture topk) it times (a) the evaluation as SAEBench
/// runs it, every pass per SAE (the baseline, measured in the same run), (b) the shared passes written once to a temp
/// folder, and (c) each SAE's evaluation from that cache. The first SAE costs (b) + (c), each further SAE (c); the ratios say how much cheaper
/// an extra SAE is than the first, and than SAEBench's way. It also checks that (a) and (c) give the same numbers.
/// </summary>
public static class CoreBench
{
    public static int Run(CommandLine cl)
    {
        string folder = cl.Get("model") ?? throw new PipelineException(
            "bench core needs --model <HF folder with a tokenizer>, e.g. the built-in model: artifacts/models/model-*/hf (run the default experiment first)", "bench");
        string hookName = cl.Get("hook") ?? "blocks.2.hook_resid_post";
        int dSaeFactor = cl.Int("expansion", 8), saes = cl.Int("saes", 3), prompts = cl.Int("batch", 16), context = cl.Int("context", 128);
        int rounds = cl.Int("rounds", 3);
        int? k = (cl.Get("architecture") ?? "relu") switch
        {
            "relu" => null,
            "topk" => cl.Int("k", 32),
            var other => throw new PipelineException($"--architecture must be relu or topk, got '{other}'", "bench"),
        };
        int recon = cl.Int("reconstruction-batches", CoreEvalConfig.BuiltinReconstructionBatches);
        int sparsity = cl.Int("sparsity-batches", CoreEvalConfig.BuiltinSparsityVarianceBatches);
        if (saes < 2) throw new PipelineException("--saes must be at least 2 (the first SAE and an additional one)", "bench");
        if (!Enum.TryParse<DeviceChoice>(cl.Get("device") ?? "auto", ignoreCase: true, out var choice))
            throw new PipelineException($"--device must be auto, cpu or cuda, got '{cl.Get("device")}'", "bench");
        var device = TorchRuntime.Resolve(choice);
        using var model = ModelLoader.Load(folder, ScalarType.Float32, device);
        var tokenizer = TokenizerLoader.Load(folder);
        var hook = HookPoint.Parse(hookName, model.Dims.NLayers);
        var special = LoadedModel.SpecialOf(tokenizer);
        var stream = new CoreStreamSettings
        {
            BatchSizePrompts = prompts, NReconstructionBatches = recon, NSparsityVarianceBatches = sparsity, ContextSize = context, Seed = 42,
        };
        var corpus = new DatasetSpec { Name = DatasetNames.MixedCorpus, Kind = DatasetKind.Text.Name, Generator = DatasetNames.MixedCorpus, Seed = 42 };
        var rows = CoreTokenStream.Rows(corpus, tokenizer, context, (long)stream.Batches * prompts, stream.Seed).ToList();
        int d = model.Dims.DModel, dSae = dSaeFactor * d;
        Console.WriteLine($"bench core: {model.Dims.Architecture} ({model.Dims.NLayers} layers, d_model {d}, vocab {model.Dims.VocabSize}) at {hook.Name}, " +
                          $"{recon} reconstruction and {sparsity} sparsity batches of {prompts} × {context} tokens, {saes} random {(k is null ? "ReLU" : $"TopK (k {k})")} SAEs of {dSae} latents, " +
                          $"device {TorchRuntime.Describe(device)}, {rounds} rounds");

        var list = Enumerable.Range(0, saes).Select(i => RandomSae(d, dSae, i, k)).ToList();
        var directTimes = new List<double>();
        var sharedTimes = new List<double>();
        var perSae = new List<double>();
        bool same = true;
        long bytes = 0;
        try
        {
            // Rounds interleave the three measurements, so drift on a noisy machine hits them alike; medians are reported.
            for (int round = 0; round < rounds; round++)
            {
                var clock = Stopwatch.StartNew();
                var direct = CoreEvaluation.Run(model, hook, list[0], CoreEvaluation.Direct(model, hook, rows, stream), stream, special, true, resume: false);
                directTimes.Add(clock.Elapsed.TotalSeconds);

                string dir = Path.Combine(Path.GetTempPath(), $"sae-bench-core-{Guid.NewGuid():N}"[..32]);
                Directory.CreateDirectory(dir);
                try
                {
                    clock.Restart();
                    var (files, perFile, _, tokens) = CoreReferenceCache.Write(dir, model, hook, rows, stream);
                    sharedTimes.Add(clock.Elapsed.TotalSeconds);
                    bytes = files.Sum(f => new FileInfo(Path.Combine(dir, f)).Length);
                    var info = new CoreReferenceInfo
                    {
                        Kind = "core_reference", Dataset = corpus.Name, Split = DatasetSource.Heldout, Hook = hook.Name, DIn = d,
                        VocabSize = model.Dims.VocabSize, ModelDtype = "float32", SpecialTokens = special, Stream = stream, Files = files,
                        BatchesPerFile = perFile, Tokens = tokens,
                    };
                    foreach (var sae in list)
                    {
                        clock.Restart();
                        var result = CoreEvaluation.Run(model, hook, sae, CoreReferenceCache.Read(dir, info, device), stream, special, true, resume: true);
                        perSae.Add(clock.Elapsed.TotalSeconds);
                        if (sae == list[0])
                            same &= direct.Downstream == result.Downstream && direct.SparsityVariance.L0 == result.SparsityVariance.L0
                                    && direct.SparsityVariance.Fvu == result.SparsityVariance.Fvu
                                    && direct.SparsityVariance.FeatureDensity.SequenceEqual(result.SparsityVariance.FeatureDensity);
                    }
                }
                finally
                {
                    Directory.Delete(dir, recursive: true);
                }
                Console.WriteLine($"  round {round + 1}/{rounds}: SAEBench's way {directTimes[^1]:F2} s, shared passes {sharedTimes[^1]:F2} s, " +
                                  $"per SAE from the cache {string.Join(", ", perSae.TakeLast(saes).Select(x => x.ToString("F2")))} s");
            }
        }
        finally
        {
            foreach (var sae in list) sae.Dispose();
        }
        double directS = Median(directTimes), sharedS = Median(sharedTimes), each = Median(perSae);
        Console.WriteLine($"medians over {rounds} rounds ({bytes / 1e6:F0} MB of shared passes on disk):");
        Console.WriteLine($"  SAEBench's way, every pass per SAE (baseline): {directS,7:F2} s per SAE");
        Console.WriteLine($"  shared passes, once:                           {sharedS,7:F2} s");
        Console.WriteLine($"  each SAE from the cache:                       {each,7:F2} s");
        Console.WriteLine($"  first SAE with the cache:                      {sharedS + each,7:F2} s");
        Console.WriteLine($"  an additional SAE is {(sharedS + each) / each:F1}× cheaper than the first and {directS / each:F1}× cheaper than the baseline");
        Console.WriteLine($"  cached and uncached results identical: {(same ? "yes" : "NO")}");
        return same ? 0 : 1;
    }

    static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    /// <summary>A ReLU SAE with unit decoder rows and the encoder their transpose, a small negative bias so that it is sparse.</summary>
    /// <summary>A random SAE with tied unit-norm directions: ReLU with b_enc = −0.5, or TopK with k latents per token.</summary>
    static SparseAutoencoder RandomSae(int d, int dSae, int seed, int? k)
    {
        using var scope = NewDisposeScope();
        var g = new Generator((ulong)(1000 + seed));
        var wDec = randn([dSae, d], generator: g);
        wDec = wDec / wDec.norm(dim: 1, keepdim: true);
        return k is { } kept
            ? new TopKSae(wDec.t().contiguous(), zeros([dSae]), wDec, zeros([d]), kept)
            : new ReluSae(wDec.t().contiguous(), full([dSae], -0.5f), wDec, zeros([d]));
    }
}
