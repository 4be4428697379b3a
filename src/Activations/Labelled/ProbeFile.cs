using SaePipeline.Config;
using SaePipeline.Formats;
using SaePipeline.Runtime;
using static TorchSharp.torch;

namespace SaePipeline.Activations.Labelled;

/// <summary>One trained probe as probes.json records it; its weight and bias are <c>&lt;Id&gt;.weight</c> and <c>&lt;Id&gt;.bias</c> in probes.safetensors.</summary>
/// <param name="Key">The class it detects: an SCR key ("male_professor / female_nurse") or a TPP class value ("21").</param>
/// <param name="Against">Its negatives: the paired SCR key, or "rest" (random rows of the other classes).</param>
public sealed record ProbeRecord(string Id, string Key, string Against, double TrainAccuracy, double TestAccuracy,
                                 int BestEpoch, int Epochs, int TrainExamples, int TestExamples);

/// <summary>
/// One SAEBench run's probes and clean accuracies: an SCR class pair ("professor_nurse"), or a TPP data set.
/// <see cref="CleanAccuracies"/> are SAEBench's <c>llm_test_accuracies</c> under its own keys ("professor / nurse",
/// "male_professor / female_nurse probe on male / female data", "21"), scored on clean pooled activations.
/// </summary>
public sealed record ProbeRun(string Name, IReadOnlyList<ProbeRecord> Probes, IReadOnlyDictionary<string, double> CleanAccuracies);

public sealed record ProbeSeedRuns(long Seed, IReadOnlyList<ProbeRun> Runs);

/// <summary>
/// What TrainProbes writes (<c>artifacts/probes/&lt;task&gt;-&lt;data set&gt;-&lt;hash&gt;/</c>), the SAE-independent half
/// of SCR and TPP, computed once and read by every SAE's evaluation (and by objectives that need frozen probes):
/// <list type="bullet">
/// <item><c>probes.json</c>: this record: settings, and per seed and run the probes with their accuracies;</item>
/// <item><c>probes.safetensors</c>: each probe's weight [d] and bias [1], float32;</item>
/// <item><c>pooled.safetensors</c>: the masked mean-pooled activations of every cached text, <c>train</c> and
///   <c>test</c> [texts, d] float32 in the order of the cache's probe_sets.json rows, with <c>train_valid_tokens</c> and
///   <c>test_valid_tokens</c> (int32), the number of real tokens each mean is over.</item>
/// </list>
/// </summary>
public sealed record ProbeFile
{
    public const string JsonFile = "probes.json", WeightsFile = "probes.safetensors", PooledFile = "pooled.safetensors";

    public required string Task { get; init; }
    public required string Dataset { get; init; }
    public required string JsonName { get; init; }
    public required int DIn { get; init; }

    /// <summary>Positions per text in SAEBench's padded batches (its context_length), from the cache.</summary>
    public required int Context { get; init; }

    public required ProbeSettings Settings { get; init; }
    public required IReadOnlyList<ProbeSeedRuns> Seeds { get; init; }

    public static string TensorId(long seed, string run, string key) =>
        $"seed{seed}/{run}/{key.Replace(" / ", "_vs_", StringComparison.Ordinal).Replace(' ', '_')}";

    public static void SaveProbes(string dir, IReadOnlyDictionary<string, LinearProbe> probes)
    {
        var tensors = new Dictionary<string, Tensor>();
        try
        {
            foreach (var (id, probe) in probes)
            {
                tensors[$"{id}.weight"] = tensor(probe.Weight, [probe.Dim]);
                tensors[$"{id}.bias"] = tensor(new[] { probe.Bias }, [1]);
            }
            Safetensors.Save(Path.Combine(dir, WeightsFile), tensors);
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    /// <summary>probes.json and every probe it lists, from a TrainProbes folder.</summary>
    public static (ProbeFile File, IReadOnlyDictionary<string, LinearProbe> Probes) Load(string dir)
    {
        var file = Json.ReadFile<ProbeFile>(Path.Combine(dir, JsonFile));
        string weights = Path.Combine(dir, WeightsFile);
        var tensors = Safetensors.Load(weights);
        try
        {
            var probes = new Dictionary<string, LinearProbe>();
            foreach (var record in file.Seeds.SelectMany(s => s.Runs).SelectMany(r => r.Probes))
            {
                if (!tensors.TryGetValue($"{record.Id}.weight", out var w) || !tensors.TryGetValue($"{record.Id}.bias", out var b)
                    || w.dtype != ScalarType.Float32 || !w.shape.SequenceEqual([(long)file.DIn]) || b.numel() != 1)
                    throw new PipelineException($"{weights}: probe '{record.Id}' listed in {JsonFile} is missing or not float32 [{file.DIn}] + [1]", weights);
                probes[record.Id] = new LinearProbe(w.data<float>().ToArray(), b.to(float32).item<float>());
            }
            return (file, probes);
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    public static void SavePooled(string dir, PooledRows train, PooledRows test)
    {
        var tensors = new Dictionary<string, Tensor>
        {
            ["train"] = tensor(train.Values, [train.Rows, train.Dim]),
            ["test"] = tensor(test.Values, [test.Rows, test.Dim]),
            ["train_valid_tokens"] = tensor(train.ValidTokens, [train.Rows]),
            ["test_valid_tokens"] = tensor(test.ValidTokens, [test.Rows]),
        };
        try
        {
            Safetensors.Save(Path.Combine(dir, PooledFile), tensors);
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    /// <summary>The pooled train and test rows of a TrainProbes folder.</summary>
    public static (PooledRows Train, PooledRows Test) LoadPooled(string dir, int dIn)
    {
        string path = Path.Combine(dir, PooledFile);
        var tensors = Safetensors.Load(path);
        try
        {
            PooledRows Split(string split)
            {
                if (!tensors.TryGetValue(split, out var x) || !tensors.TryGetValue($"{split}_valid_tokens", out var valid)
                    || x.dtype != ScalarType.Float32 || x.ndim != 2 || x.shape[1] != dIn || valid.shape[0] != x.shape[0])
                    throw new PipelineException($"{path}: '{split}' is missing or not float32 [texts, {dIn}] with matching '{split}_valid_tokens'", path);
                return new PooledRows(x.data<float>().ToArray(), dIn, valid.to(int32).data<int>().ToArray());
            }
            return (Split("train"), Split("test"));
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }
}
