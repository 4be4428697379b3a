using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using SaePipeline.Artifacts;
using SaePipeline.Runtime;

namespace SaePipeline.Evals.Absorption;

/// <summary>
/// EvaluateAbsorption: one SAE's first-letter feature absorption on every seed PrepareAbsorption made, as SAEBench's
/// JSON (<see cref="AbsorptionJson"/>). Only the SAE's side runs here: encoding the cached activations, the k-sparse
/// probes and the absorption scores.
/// </summary>
public static class EvaluateAbsorptionStage
{
    public static void Run(StageContext context) => SaeEvaluation.Run<EvaluateAbsorptionParams>(context, EvalTypes.Absorption, Evaluate);

    static EvalOutcome Evaluate(EvalRun<EvaluateAbsorptionParams> run)
    {
        var (context, p, sae, _, device) = run;
        var clock = Stopwatch.StartNew();
        var (dir, _) = context.Input(InputRole.Absorption);
        var results = new List<SeedAbsorption>();
        var sets = new List<FirstLetterSeed>();
        foreach (long seed in p.Seeds)
        {
            var set = Json.ReadFile<FirstLetterSeed>(Path.Combine(dir, FirstLetterSeed.JsonName(seed)));
            var tensors = FirstLetterTensors.Load(Path.Combine(dir, FirstLetterSeed.TensorsName(seed)), set);
            if (tensors.Dim != sae.DIn)
                throw new PipelineException($"the SAE takes d_in = {sae.DIn} but {dir} holds d = {tensors.Dim} activations", dir);
            var result = AbsorptionEvaluation.Evaluate(sae, set, tensors, p.Settings, device);
            results.Add(result);
            sets.Add(set);
            context.Log(result.Scored
                ? $"seed {seed}: absorption fraction {Format(result.Metrics()["mean_absorption_fraction_score"])}, full absorption " +
                  $"{Format(result.Metrics()["mean_full_absorption_score"])}, split features {Format(result.Metrics()["mean_num_split_features"])} over {result.Letters.Count} letters"
                : $"WARN seed {seed}: not scored: the letter probe clears F1 {p.Settings.MinGtProbeF1} on {result.LettersAboveMinF1} letters, " +
                  $"fewer than min_feats_for_eval {p.Settings.MinFeatsForEval} (the model knows too little about first letters)");
        }
        var (metrics, details, unstructured, summary) = AbsorptionJson.Build(results, sets);
        return new EvalOutcome(AbsorptionJson.EvalConfig(p, sets[0]), metrics, details, unstructured, new JsonObject
        {
            ["seeds"] = summary.DeepClone(),
            ["scored_seeds"] = results.Count(r => r.Scored),
            ["seconds_total"] = Math.Round(clock.Elapsed.TotalSeconds, 2),
        });
    }

    static string Format(double value) => value.ToString("F3", CultureInfo.InvariantCulture);
}
