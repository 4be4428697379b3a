using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using SaePipeline.Artifacts;
using SaePipeline.Formats;
using SaePipeline.Models;
using SaePipeline.Models.Tokenizers;
using SaePipeline.Runtime;
using static TorchSharp.torch;

namespace SaePipeline.Activations.Core;

/// <summary>What the shared-pass cache's manifest records (besides files and hashes).</summary>
public sealed record CoreReferenceInfo
{
    public required string Kind { get; init; }
    public required string Dataset { get; init; }
    public required string Split { get; init; }
    public required string Hook { get; init; }
    public required int DIn { get; init; }
    public required int VocabSize { get; init; }
    public required string ModelDtype { get; init; }
    public required SpecialTokens SpecialTokens { get; init; }
    public required CoreStreamSettings Stream { get; init; }

    /// <summary>The reference-NNNNN.safetensors files, in order, each holding <see cref="BatchesPerFile"/> batches (the last fewer).</summary>
    public required IReadOnlyList<string> Files { get; init; }
    public required int BatchesPerFile { get; init; }
    public required long Tokens { get; init; }
}

/// <summary>
/// The shared-pass cache of core evaluation, a CacheActivations item (<c>&lt;corpus&gt;-core</c>): per batch of the
/// <see cref="CoreTokenStream"/>, the tokens, the activations at the hook and, for reconstruction batches, the
/// <see cref="ReconReference"/>. That is every pass of SAEBench's core evaluation that does not depend on the SAE
/// (the clean forward, the zero ablation, the sparsity pass's forward to the hook), done once per (model, hook, data
/// set, settings). Tensors are stored in the model's dtype, so reading them back gives the values the passes computed,
/// and safetensors files, so Python reads them too.
/// </summary>
public static class CoreReferenceCache
{
    const long FileBytes = 64L << 20;

    public static void Run(StageContext context, CacheActivationsParams p)
    {
        var settings = p.Model ?? throw new PipelineException("the core reference needs the activations settings", context.Spec.Id);
        var dataset = p.Dataset ?? throw new PipelineException("the core reference needs a data set", context.Spec.Id);
        var stream = p.Core ?? throw new PipelineException("the core reference needs its stream settings", context.Spec.Id);
        var device = TorchRuntime.Resolve(settings.Device);
        using var lm = LoadedModel.Open(context, device);
        var model = lm.Model;
        var hook = HookPoint.Parse(settings.Hook, model.Dims.NLayers);
        var (split, overlaps) = CoreTokenStream.SplitOf(dataset);
        if (overlaps) context.Log($"WARN {dataset.Name} has no held-out split (a test file); core rows come from its train split, which SAEs may have trained on");
        context.Log($"{stream.Batches} batches of {stream.BatchSizePrompts} × {stream.ContextSize} tokens of {dataset.Name} ({split}) through " +
                    $"{model.Dims.Architecture} on {TorchRuntime.Describe(device)}: clean and zero-ablated forwards for the first {stream.NReconstructionBatches}, " +
                    $"{hook.Name} for all (sparsity/variance: {(stream.ReuseReconstructionRows ? "the first" : "the next")} {stream.NSparsityVarianceBatches})");

        var progress = new Progress(context.Label, (long)stream.Batches * stream.BatchSizePrompts * stream.ContextSize, "tokens");
        var clock = Stopwatch.StartNew();
        var rows = CoreTokenStream.Rows(dataset, lm.Tokenizer, stream.ContextSize, (long)stream.Batches * stream.BatchSizePrompts, stream.Seed);
        var (files, perFile, batches, tokens) = Write(context.OutputDir, model, hook, rows, stream, progress);
        if (batches < stream.Batches)
            throw new PipelineException($"{dataset.Name} ({split}) packs into only {batches} batches of {stream.BatchSizePrompts} rows × {stream.ContextSize} tokens; " +
                                        $"evals.core needs {stream.Batches}. Lower evals.core.n_eval_sparsity_variance_batches or use a larger corpus", dataset.Name);
        progress.Done($"{tokens / clock.Elapsed.TotalSeconds:N0} tokens/s");
        var info = new CoreReferenceInfo
        {
            Kind = "core_reference", Dataset = dataset.Name, Split = split, Hook = hook.Name, DIn = model.Dims.DModel, VocabSize = model.Dims.VocabSize,
            ModelDtype = ModelLoader.DtypeName(model.Dtype), SpecialTokens = lm.Special, Stream = stream, Files = files, BatchesPerFile = perFile, Tokens = tokens,
        };
        context.Log($"{tokens:N0} tokens in {files.Count} files, {clock.Elapsed.TotalSeconds:F1} s");
        context.Commit((JsonObject)Json.ToNode(info));
    }

    /// <summary>
    /// Runs the SAE-independent passes over <paramref name="rows"/> in batches of batch_size_prompts and writes them to
    /// reference-NNNNN.safetensors files in <paramref name="dir"/>; stops after <see cref="CoreStreamSettings.Batches"/>
    /// batches or when the rows run out (a partial batch is dropped).
    /// </summary>
    public static (List<string> Files, int BatchesPerFile, int Batches, long Tokens) Write(
        string dir, LanguageModel model, HookPoint hook, IEnumerable<int[]> rows, CoreStreamSettings stream, Progress? progress = null)
    {
        long batchBytes = (long)stream.BatchSizePrompts * stream.ContextSize * model.Dims.DModel * (model.Dtype == ScalarType.BFloat16 ? 2 : 4) * 2;
        int perFile = (int)Math.Clamp(FileBytes / Math.Max(1, batchBytes), 1, 1024);
        var files = new List<string>();
        var pending = new Dictionary<string, Tensor>();
        long tokens = 0;
        int index = 0;
        void Flush()
        {
            if (pending.Count == 0) return;
            string name = $"reference-{files.Count:D5}.safetensors";
            Safetensors.Save(Path.Combine(dir, name), pending);
            foreach (var tensor in pending.Values) tensor.Dispose();
            pending.Clear();
            files.Add(name);
        }
        foreach (var ids in CoreTokenStream.Batches(rows, stream))
        {
            using (ids)
            using (var batch = CorePasses.Reference(model, hook, index, ids, stream.IsReconstruction(index)))
                foreach (var (key, value) in Entries(batch)) pending[key] = value.cpu().clone();
            index++;
            tokens += (long)stream.BatchSizePrompts * stream.ContextSize;
            progress?.Report(tokens);
            if (index % perFile == 0) Flush();
        }
        Flush();
        return (files, perFile, index, tokens);
    }

    /// <summary>The cache's batches in order, on <paramref name="device"/>; the caller disposes each.</summary>
    public static IEnumerable<CoreBatch> Read(string dir, CoreReferenceInfo info, Device device)
    {
        int index = 0;
        foreach (var file in info.Files)
        {
            string path = Path.Combine(dir, file);
            var tensors = Safetensors.Load(path);
            try
            {
                for (int i = 0; i < info.BatchesPerFile && tensors.ContainsKey(Key(index, "tokens")); i++, index++)
                {
                    Tensor Take(string name) => tensors.Remove(Key(index, name), out var x)
                        ? x.to(device)
                        : throw new PipelineException($"{path}: batch {index} has no '{name}' tensor; the cache is damaged (delete it and rebuild)", path);
                    ReconReference? reference = tensors.ContainsKey(Key(index, "final_residual"))
                        ? new ReconReference(Take("final_residual"), Take("clean_loss"), Take("ablated_loss"), Take("ablated_kl"))
                        : null;
                    yield return new CoreBatch(index, Take("tokens"), Take("activations"), reference);
                }
            }
            finally
            {
                foreach (var rest in tensors.Values) rest.Dispose();
            }
        }
        if (index != info.Stream.Batches)
            throw new PipelineException($"{dir} holds {index} batches, its manifest says {info.Stream.Batches}; delete it and rebuild", dir);
    }

    static IEnumerable<(string Key, Tensor Value)> Entries(CoreBatch batch)
    {
        yield return (Key(batch.Index, "tokens"), batch.Tokens);
        yield return (Key(batch.Index, "activations"), batch.Activations);
        if (batch.Reference is not { } r) yield break;
        yield return (Key(batch.Index, "final_residual"), r.FinalResidual);
        yield return (Key(batch.Index, "clean_loss"), r.CleanLoss);
        yield return (Key(batch.Index, "ablated_loss"), r.AblatedLoss);
        yield return (Key(batch.Index, "ablated_kl"), r.AblatedKl);
    }

    static string Key(int batch, string name) => string.Create(CultureInfo.InvariantCulture, $"batch{batch:D5}.{name}");
}
