using SaePipeline.Activations;
using SaePipeline.Config;
using SaePipeline.Models.Tokenizers;
using SaePipeline.Runtime;
using static TorchSharp.torch;

namespace SaePipeline.Evals.Absorption;

/// <summary>
/// One seed of first-letter data for a model: split the single-token words 80/20, build each word's in-context prompt
/// from its own split, keep the hook's activation at the word, train the 26-letter probe on the train words and score
/// it on the test words; then, for the test words it recognises, fresh prompts with examples from the whole
/// vocabulary (SAEBench's absorption calculator builds its own) and their activations.
/// </summary>
public static class FirstLetterSetBuilder
{
    public static (FirstLetterSeed Set, FirstLetterTensors Tensors) Build(
        HookRunner runner, ModelTokenizer tokenizer, int padId, IReadOnlyList<string> vocabulary, long seed, AbsorptionConfig s, Device device,
        Action<long>? progress = null)
    {
        var prompts = new FirstLetterPrompts(tokenizer, s);
        var shuffled = vocabulary.ToList();
        SplitMix64.For(seed, "absorption-split").Shuffle(shuffled);
        int trainCount = (int)(shuffled.Count * s.TrainFraction);
        var trainWords = shuffled.Take(trainCount).ToList();
        var testWords = shuffled.Skip(trainCount).ToList();
        var random = SplitMix64.For(seed, "absorption-prompts");
        var trainPrompts = trainWords.Select(w => prompts.Build(w, trainWords, random)).ToList();
        var testPrompts = testWords.Select(w => prompts.Build(w, testWords, random)).ToList();

        long done = 0;
        void Report(int n) => progress?.Invoke(done += n);
        var trainActs = PromptActivations.At(runner, trainPrompts, padId, s.LlmBatchSize, Report);
        var testActs = PromptActivations.At(runner, testPrompts, padId, s.LlmBatchSize, Report);

        int d = runner.DModel;
        var probe = LetterProbe.Train(trainActs, trainWords.Count, d, [.. trainPrompts.Select(x => x.Letter)], 26,
            new MultiProbeSettings(s.ProbeEpochs, s.ProbeBatchSize, s.ProbeLr, s.ProbeWeightDecay), seed, device);

        var letters = new List<LetterProbeScore>();
        var recognised = new bool[testWords.Count];
        for (int c = 0; c < 26; c++)
        {
            var truth = testPrompts.Select(x => x.Letter == c).ToList();
            var predicted = Enumerable.Range(0, testWords.Count).Select(i => probe.Score(testActs.AsSpan(i * d, d), c) > 0).ToList();
            for (int i = 0; i < testWords.Count; i++) recognised[i] |= truth[i] && predicted[i];
            var scores = BinaryScores.Of(truth, predicted);
            letters.Add(new LetterProbeScore(FirstLetterVocabulary.Letters[c].ToString(), trainPrompts.Count(x => x.Letter == c), truth.Count(t => t),
                                             scores.F1, scores.Precision, scores.Recall));
        }
        var absorptionWords = Enumerable.Range(0, testWords.Count).Where(i => recognised[i]).ToList();
        var calculatorRandom = SplitMix64.For(seed, "absorption-calculator");
        var absorptionPrompts = absorptionWords.Select(i => prompts.Build(testWords[i], vocabulary, calculatorRandom)).ToList();
        var absorptionActs = PromptActivations.At(runner, absorptionPrompts, padId, s.LlmBatchSize);

        var offsets = trainPrompts.Concat(testPrompts).Select(x => x.WordPosition - x.Ids.Length).Distinct().ToList();
        var set = new FirstLetterSeed
        {
            Seed = seed, TrainWords = trainWords, TestWords = testWords, AbsorptionWords = absorptionWords, Letters = letters,
            PromptTokenPos = offsets.Count == 1 ? offsets[0] : null, ExamplePrompt = testPrompts[0].Text,
        };
        return (set, new FirstLetterTensors(trainActs, testActs, absorptionActs, probe));
    }
}
