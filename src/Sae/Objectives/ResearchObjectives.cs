using SaePipeline.Activations;
using SaePipeline.Activations.Labelled;
using SaePipeline.Artifacts;
using SaePipeline.Data;
using SaePipeline.Data.ProbeSets;
using SaePipeline.Models;
using SaePipeline.Runtime;
using static TorchSharp.torch;

namespace SaePipeline.Sae;

/// <summary>Wraps an architecture's objective in the research objective an SAE entry asks for, reading what that objective needs from TrainSae's inputs.</summary>
public static class ResearchObjectives
{
    public static SaeObjective Create(StageContext context, TrainSaeParams p, SaeObjective architecture, Device device)
    {
        var cfg = p.Sae;
        long seed = cfg.Seed!.Value;
        if (cfg.PrecisionAdversarial is { } adversarial)
        {
            var (cacheDir, cacheManifest) = context.Input(InputRole.ScrActivations);
            var cache = ActivationCache.Open(cacheDir, cacheManifest);
            var sets = Json.ReadFile<ProbeSetFile>(Path.Combine(cacheDir, ProbeSetFile.FileName));
            var pairs = sets.Pairs ?? [];
            var pair = adversarial.Pair is { } name
                ? pairs.FirstOrDefault(x => x.Name == name)
                  ?? throw new PipelineException($"precision_adversarial.pair '{name}' is not an SCR pair of {adversarial.Dataset} (its pairs: {string.Join(", ", pairs.Select(x => x.Name))})", context.Spec.Id)
                : pairs.FirstOrDefault(x => x.Skipped is null)
                  ?? throw new PipelineException($"every SCR pair of {adversarial.Dataset} was skipped; precision_adversarial has no texts to train on", cacheDir);
            var train = LabelledTexts.Load(cache, DatasetSource.Train, sets, pair);
            var test = LabelledTexts.Load(cache, DatasetSource.Test, sets, pair);
            var (probesDir, _) = context.Input(InputRole.ScrProbes);
            var probes = FrozenScrProbes.Load(probesDir, p.ProbeSeed!.Value, pair.Name, device);
            context.Log($"precision_adversarial: SCR pair {pair.Name} of {adversarial.Dataset} ({train.Count} train texts, {test.Count} test texts), " +
                        $"frozen probes of seed {p.ProbeSeed}, N = {adversarial.AblatedLatents}, λ every {adversarial.LambdaEverySteps} steps, μ = {adversarial.PreservationWeight}");
            return new PrecisionAdversarialObjective(cfg, architecture, adversarial, probes, train, test, seed);
        }
        if (cfg.Causal is { } causal)
        {
            var source = p.CausalRows ?? throw new PipelineException("the causal objective's rows were not planned", context.Spec.Id);
            var lm = LoadedModel.Open(context, device);
            var hook = HookPoint.Parse(source.Hook, lm.Model.Dims.NLayers);
            context.Log($"causal: {causal.Intervention} interventions on {causal.Latents} {Json.ToNode(causal.Choose)} latents of {causal.Rows} rows every {causal.EverySteps} steps, " +
                        $"penalty w = {causal.Weight} below NCES τ = {causal.TargetNces}");
            return new CausalObjective(cfg, architecture, causal, lm.Model, hook, lm.Special,
                                       new CausalTrainingRows(source.Dataset, lm.Tokenizer, source.Context, seed), seed);
        }
        return architecture;
    }
}
