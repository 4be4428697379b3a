using SaePipeline.Formats;
using SaePipeline.Runtime;
using static TorchSharp.torch;

namespace SaePipeline.Evals.Absorption;

/// <summary>How the letter probe did on one letter's test words (score above 0 = predicted).</summary>
public sealed record LetterProbeScore(string Letter, int TrainWords, int TestWords, double F1, double Precision, double Recall);

/// <summary>
/// One seed of PrepareAbsorption's output, <c>seed-&lt;seed&gt;.json</c> beside <c>seed-&lt;seed&gt;.safetensors</c>
/// (<see cref="FirstLetterTensors"/>): the vocabulary split, the letter probe's test scores, and which test words
/// the probe recognises (SAEBench's probe true positives), whose fresh prompts the absorption calculator reads.
/// </summary>
public sealed record FirstLetterSeed
{
    public required long Seed { get; init; }
    public required IReadOnlyList<string> TrainWords { get; init; }
    public required IReadOnlyList<string> TestWords { get; init; }

    /// <summary>Indices into <see cref="TestWords"/>: words whose letter's probe scores above 0, in test order.</summary>
    public required IReadOnlyList<int> AbsorptionWords { get; init; }

    public required IReadOnlyList<LetterProbeScore> Letters { get; init; }

    /// <summary>The word's position counted from the prompt's end when every prompt shares it (SAEBench's prompt_token_pos), else null.</summary>
    public int? PromptTokenPos { get; init; }

    /// <summary>One prompt, as the model reads it, for the reader of the files.</summary>
    public required string ExamplePrompt { get; init; }

    public static string JsonName(long seed) => $"seed-{seed}.json";
    public static string TensorsName(long seed) => $"seed-{seed}.safetensors";
}

/// <summary>
/// A seed's activations and letter probe: <c>train_acts</c>, <c>test_acts</c>, <c>absorption_acts</c> [words, d_model]
/// float32 at each prompt's word, <c>probe_weight</c> [26, d_model] and <c>probe_bias</c> [26].
/// </summary>
public sealed record FirstLetterTensors(float[] TrainActs, float[] TestActs, float[] AbsorptionActs, LinearMultiProbe Probe)
{
    public int Dim => Probe.Dim;

    public void Save(string path)
    {
        using var scope = NewDisposeScope();
        int d = Dim;
        Safetensors.Save(path, new Dictionary<string, Tensor>
        {
            ["train_acts"] = tensor(TrainActs, [TrainActs.Length / d, d]),
            ["test_acts"] = tensor(TestActs, [TestActs.Length / d, d]),
            ["absorption_acts"] = tensor(AbsorptionActs, [AbsorptionActs.Length / d, d]),
            ["probe_weight"] = tensor(Probe.Weights, [Probe.Classes, d]),
            ["probe_bias"] = tensor(Probe.Bias, [Probe.Classes]),
        });
    }

    public static FirstLetterTensors Load(string path, FirstLetterSeed seed)
    {
        var t = Safetensors.Load(path);
        try
        {
            float[] Read(string name) => t.TryGetValue(name, out var x) ? x.to(float32).data<float>().ToArray()
                : throw new PipelineException($"{path} has no tensor {name}; delete its folder and rerun the build", path);
            var weight = t.GetValueOrDefault("probe_weight") ?? throw new PipelineException($"{path} has no tensor probe_weight", path);
            int classes = (int)weight.shape[0], d = (int)weight.shape[1];
            var result = new FirstLetterTensors(Read("train_acts"), Read("test_acts"), Read("absorption_acts"), new LinearMultiProbe(Read("probe_weight"), Read("probe_bias"), classes, d));
            Check(path, "train_acts", result.TrainActs.Length, seed.TrainWords.Count * d);
            Check(path, "test_acts", result.TestActs.Length, seed.TestWords.Count * d);
            Check(path, "absorption_acts", result.AbsorptionActs.Length, seed.AbsorptionWords.Count * d);
            return result;
        }
        finally
        {
            foreach (var x in t.Values) x.Dispose();
        }
    }

    static void Check(string path, string name, int actual, int expected)
    {
        if (actual != expected)
            throw new PipelineException($"{path}: {name} holds {actual} values, but its JSON lists words for {expected}; delete the folder and rerun the build", path);
    }
}
