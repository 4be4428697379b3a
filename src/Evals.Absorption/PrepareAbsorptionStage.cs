using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using SaePipeline.Activations;
using SaePipeline.Artifacts;
using SaePipeline.Models;
using SaePipeline.Runtime;

namespace SaePipeline.Evals.Absorption;

/// <summary>
/// PrepareAbsorption: the SAE-independent half of first-letter absorption, once per model and hook for every SAE.
/// Per seed: split the model's single-token words 80/20, build each word's in-context prompt from its own split, run
/// the model to the hook and keep the activation at the word, train the 26-letter probe on the train words, score it
/// on the test words, and for the test words it recognises build fresh prompts (examples from the whole vocabulary,
/// as SAEBench's absorption calculator does) and keep their activations too. EvaluateAbsorption then only encodes.
/// </summary>
public static class PrepareAbsorptionStage
{
    public static void Run(StageContext context)
    {
        var p = context.Params<PrepareAbsorptionParams>();
        var s = p.Settings;
        var device = TorchRuntime.Resolve(p.Device);
        using var lm = LoadedModel.Open(context, device);
        var hook = HookPoint.Parse(p.Hook, lm.Model.Dims.NLayers);
        var runner = new HookRunner(lm.Model, hook);
        int pad = lm.Special.Pad ?? 0;
        var vocabulary = FirstLetterVocabulary.Of(lm.Tokenizer);
        if (vocabulary.Count < 2 * (s.IclExamples + 1))
            throw new PipelineException($"{lm.Name}: only {vocabulary.Count} vocabulary entries are single words of letters; the first-letter task needs many more", context.Spec.Id);
        context.Log($"{vocabulary.Count} single-token words of {lm.Name} to {hook.Name}, {p.Seeds.Count} seeds");
        var clock = Stopwatch.StartNew();
        var seeds = new JsonArray();
        foreach (long seed in p.Seeds)
        {
            var progress = new Progress($"{context.Label} seed {seed}", vocabulary.Count, "prompts");
            var (set, tensors) = FirstLetterSetBuilder.Build(runner, lm.Tokenizer, pad, vocabulary, seed, s, device, done => progress.Report(done));
            progress.Done();
            AtomicFile.WriteAllText(Path.Combine(context.OutputDir, FirstLetterSeed.JsonName(seed)), Json.Serialize(set));
            tensors.Save(Path.Combine(context.OutputDir, FirstLetterSeed.TensorsName(seed)));
            int good = set.Letters.Count(l => l.F1 > s.MinGtProbeF1);
            double meanF1 = set.Letters.Average(l => l.F1);
            context.Log($"seed {seed}: {set.TrainWords.Count} train / {set.TestWords.Count} test words; letter probe mean F1 " +
                        $"{meanF1.ToString("F3", CultureInfo.InvariantCulture)}, {good} letters above {s.MinGtProbeF1}" +
                        (good < s.MinFeatsForEval ? $" (fewer than min_feats_for_eval {s.MinFeatsForEval}: absorption will not be scored)" : "") +
                        $"; {set.AbsorptionWords.Count} recognised test words");
            seeds.Add(new JsonObject { ["seed"] = seed, ["letters_above_min_f1"] = good, ["mean_probe_f1"] = Math.Round(meanF1, 4) });
        }
        context.Commit(new JsonObject
        {
            ["words"] = vocabulary.Count, ["hook"] = hook.Name, ["seeds"] = seeds, ["seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 2),
        });
    }
}
