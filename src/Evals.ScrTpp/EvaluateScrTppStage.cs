using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using SaePipeline.Artifacts;
using SaePipeline.Runtime;

namespace SaePipeline.Evals.ScrTpp;

/// <summary>
/// EvaluateScr and EvaluateTpp: one SAE against the cached probes of every configured data set. The only SAE work is
/// one encode of each cached token (<see cref="LatentSums"/>); node effects, ablations and scores for every seed, run
/// and N follow in closed form. Writes SAEBench's JSON (<see cref="ScrTppJson"/>) as
/// <c>artifacts/evals/{scr|tpp}/&lt;sae&gt;-&lt;hash&gt;/&lt;experiment&gt;_&lt;sae&gt;_eval_results.json</c>, and the seed
/// summary into the manifest for the report.
/// </summary>
public static class EvaluateScrTppStage
{
    public static void RunScr(StageContext context) => SaeEvaluation.Run<EvaluateScrTppParams>(context, EvalTypes.Scr, run => Evaluate(run, scr: true));

    public static void RunTpp(StageContext context) => SaeEvaluation.Run<EvaluateScrTppParams>(context, EvalTypes.Tpp, run => Evaluate(run, scr: false));

    static EvalOutcome Evaluate(EvalRun<EvaluateScrTppParams> run, bool scr)
    {
        var (context, p, sae, _, device) = run;
        var skipped = p.NValues.Where(n => n > sae.DSae).ToList();
        if (skipped.Count > 0)
            context.Log($"WARN N = {string.Join(", ", skipped)} exceed the SAE's {sae.DSae} latents; those scores are null (SAEBench would stop)");
        var decoder = SaeDecoder.From(sae);
        var encodeClock = Stopwatch.StartNew();
        var inputs = p.Datasets.Select(d => ScrTppInputs.Load(context, d, sae, decoder, p.PaddingLeak, device)).ToList();
        double encodeSeconds = encodeClock.Elapsed.TotalSeconds;
        long tokens = inputs.Sum(i => (long)i.Train.ValidTokens.Sum() + i.Test.ValidTokens.Sum());
        context.Log($"encoded {tokens:N0} real tokens of {inputs.Sum(i => i.Train.Rows + i.Test.Rows):N0} texts in {encodeSeconds:F1} s");

        var scoreClock = Stopwatch.StartNew();
        var seeds = inputs[0].Probes.Seeds.Select(s => s.Seed).ToList();
        foreach (var input in inputs.Skip(1))
            if (!input.Probes.Seeds.Select(s => s.Seed).SequenceEqual(seeds))
                throw new PipelineException($"the probes of {input.Probes.Dataset} were trained with other seeds than those of {inputs[0].Probes.Dataset}; rerun the build");
        JsonObject metrics, unstructured, summary;
        JsonArray details;
        if (scr)
        {
            var perDataset = inputs.Select(i => ScrEvaluation.Run(i, p.NValues)).ToList();
            var perSeed = seeds.Select(s => perDataset.SelectMany(d => d[s]).ToList()).ToList();
            (metrics, details, unstructured, summary) = ScrTppJson.Scr(seeds, perSeed, inputs, p.PaddingLeak);
        }
        else
        {
            var perDataset = inputs.Select(i => TppEvaluation.Run(i, p.NValues)).ToList();
            var perSeed = seeds.Select(s => perDataset.Select(d => d[s]).ToList()).ToList();
            (metrics, details, unstructured, summary) = ScrTppJson.Tpp(seeds, perSeed, inputs, p.PaddingLeak);
        }
        double scoreSeconds = scoreClock.Elapsed.TotalSeconds;
        Report(context, scr, p.NValues, summary);

        return new EvalOutcome(ScrTppJson.EvalConfig(scr, inputs, p), metrics, details, unstructured, new JsonObject
        {
            ["seeds"] = summary.DeepClone(),
            ["seconds_encode"] = Math.Round(encodeSeconds, 2),
            ["seconds_score"] = Math.Round(scoreSeconds, 2),
            ["tokens_encoded"] = tokens,
        });
    }

    /// <summary>One line per N: the headline metric's mean ± sd over seeds.</summary>
    static void Report(StageContext context, bool scr, IReadOnlyList<int> nValues, JsonObject summary)
    {
        var parts = nValues.Select(n =>
        {
            string key = scr ? ScrScores.MetricKey(n) : TppScores.TotalKey(n);
            return $"N={n} {Format(summary["mean"]?[key])} ± {Format(summary["std"]?[key])}";
        });
        context.Log($"{(scr ? "scr_metric" : "tpp_total_metric")} over {summary["seeds"]!.AsArray().Count} seeds: {string.Join(", ", parts)}");
    }

    static string Format(JsonNode? value) =>
        value is null ? "–" : value.GetValue<double>().ToString("F3", CultureInfo.InvariantCulture);
}
