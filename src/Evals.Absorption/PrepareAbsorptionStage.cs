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
        var prompts = new FirstLetterPrompts(lm.Tokenizer, s);
        context.Log($"{vocabulary.Count} single-token words of {lm.Name} to {hook.Name}, {p.Seeds.Count} seeds");
        var clock = Stopwatch.StartNew();
        var seeds = new JsonArray();
        foreach (long seed in p.Seeds)
        {
            var shuffled = vocabulary.ToList();
            SplitMix64.For(seed, "absorption-split").Shuffle(shuffled);
            int trainCount = (int)(shuffled.Count * s.TrainFraction);
            var trainWords = shuffled.Take(trainCount).ToList();
            var testWords = shuffled.Skip(trainCount).ToList();
            var random = SplitMix64.For(seed, "absorption-prompts");
            var trainPrompts = trainWords.Select(w => prompts.Build(w, trainWords, random)).ToList();
            var testPrompts = testWords.Select(w => prompts.Build(w, testWords, random)).ToList();

            var progress = new Progress($"{context.Label} seed {seed}", trainPrompts.Count + testPrompts.Count, "prompts");
            long done = 0;
            var trainActs = PromptActivations.At(runner, trainPrompts, pad, s.LlmBatchSize, n => progress.Report(done += n));
            var testActs = PromptActivations.At(runner, testPrompts, pad, s.LlmBatchSize, n => progress.Report(done += n));
            progress.Done();

            int d = runner.DModel;
            var probe = LetterProbe.Train(trainActs, trainWords.Count, d, [.. trainPrompts.Select(x => x.Letter)], 26,
                new MultiProbeSettings(s.ProbeEpochs, s.ProbeBatchSize, s.ProbeLr, s.ProbeWeightDecay), seed, device);

            // The probe's test predictions: per letter, which words it scores above 0.
            var letters = new List<LetterProbeScore>();
            var absorptionWords = new List<int>();
            var recognised = new bool[testWords.Count];
            for (int c = 0; c < 26; c++)
            {
                var truth = testPrompts.Select(x => x.Letter == c).ToList();
                var predicted = Enumerable.Range(0, testWords.Count).Select(i => probe.Score(testActs.AsSpan(i * d, d), c) > 0).ToList();
                for (int i = 0; i < testWords.Count; i++) if (truth[i] && predicted[i]) recognised[i] = true;
                var scores = BinaryScores.Of(truth, predicted);
                letters.Add(new LetterProbeScore(FirstLetterVocabulary.Letters[c].ToString(), trainPrompts.Count(x => x.Letter == c), truth.Count(t => t),
                                                 scores.F1, scores.Precision, scores.Recall));
            }
            for (int i = 0; i < testWords.Count; i++) if (recognised[i]) absorptionWords.Add(i);

            var calculatorRandom = SplitMix64.For(seed, "absorption-calculator");
            var absorptionPrompts = absorptionWords.Select(i => prompts.Build(testWords[i], vocabulary, calculatorRandom)).ToList();
            var absorptionActs = PromptActivations.At(runner, absorptionPrompts, pad, s.LlmBatchSize);

            var offsets = trainPrompts.Concat(testPrompts).Select(x => x.WordPosition - x.Ids.Length).Distinct().ToList();
            var file = new FirstLetterSeed
            {
                Seed = seed, TrainWords = trainWords, TestWords = testWords, AbsorptionWords = absorptionWords, Letters = letters,
                PromptTokenPos = offsets.Count == 1 ? offsets[0] : null, ExamplePrompt = testPrompts[0].Text,
            };
            AtomicFile.WriteAllText(Path.Combine(context.OutputDir, FirstLetterSeed.JsonName(seed)), Json.Serialize(file));
            new FirstLetterTensors(trainActs, testActs, absorptionActs, probe).Save(Path.Combine(context.OutputDir, FirstLetterSeed.TensorsName(seed)));
            int good = letters.Count(l => l.F1 > s.MinGtProbeF1);
            context.Log($"seed {seed}: {trainWords.Count} train / {testWords.Count} test words; letter probe mean F1 " +
                        $"{letters.Average(l => l.F1).ToString("F3", CultureInfo.InvariantCulture)}, {good} letters above {s.MinGtProbeF1}; " +
                        $"{absorptionWords.Count} recognised test words");
            seeds.Add(new JsonObject { ["seed"] = seed, ["letters_above_min_f1"] = good, ["mean_probe_f1"] = Math.Round(letters.Average(l => l.F1), 4) });
        }
        context.Commit(new JsonObject
        {
            ["words"] = vocabulary.Count, ["hook"] = hook.Name, ["seeds"] = seeds, ["seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 2),
        });
    }
}
