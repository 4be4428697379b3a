using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using SaePipeline.Artifacts;
using SaePipeline.Contracts;
using SaePipeline.Evals;
using SaePipeline.Evals.ScrTpp;
using SaePipeline.Runtime;

namespace SaePipeline.Reports;

/// <summary>
/// Report: <c>summary.md</c> and <c>summary.json</c> (one row per SAE), and one entry in notes.txt saying what changed
/// since the previous report, which items ran and the new table. Like every item it is content-addressed
/// (<c>artifacts/report/&lt;experiment&gt;-&lt;hash&gt;/</c>); <c>artifacts/report/&lt;experiment&gt;</c> is a link to the
/// current one, so reverting an edit finds the old report valid and only moves the link. It runs only when an
/// evaluation or the plan changed, so a no-op build appends nothing.
/// </summary>
public static class ReportStage
{
    public static void Run(StageContext context)
    {
        var p = context.Params<ReportParams>();
        var local = context.Local<ReportLocal>();
        bool synthetic = p.Saes.All(name => context.Has(InputRole.ResultOf(EvalTypes.SyntheticRecovery, name)));
        var summary = new StringBuilder();
        string table;
        string comparison = "";
        if (synthetic)
        {
            var rows = p.Saes.Select(name => Row(context, name, p.Experiment)).ToList();
            table = SummaryTable.Markdown(rows);
            Header(summary, p, "synthetic feature recovery")
                .Append(table)
                .AppendLine()
                .AppendLine(string.Join("\n", rows.Select(r => $"- {r.Sae}: [{Path.GetFileName(r.EvalFile)}](../../{r.EvalFile})")))
                .AppendLine()
                .AppendLine("★ best MMCS. MMCS: mean over planted features of the best cosine with a decoder row (chance ≈ √(2 ln d_sae / d_in)); " +
                            "MCC: the same under a one-to-one matching; recovered: planted features with best cosine ≥ the configured threshold; " +
                            "L0 on held-out rows with the true mean L0 in parentheses; dead: latents that never fire on held-out rows; " +
                            "l2 ratio: mean ‖x̂‖/‖x‖ (below 1 = shrinkage).");
            AtomicFile.WriteAllText(Path.Combine(context.OutputDir, "summary.json"), Json.Serialize(rows));
        }
        else
        {
            var rows = p.Saes.Select(name =>
            {
                var (saeDir, manifest) = context.Input(InputRole.SaeNamed(name));
                var cfg = JsonNode.Parse(File.ReadAllText(Path.Combine(saeDir, Sae.SaeLensFormat.CfgFile)));
                var sparse = EvalResults.Read(context, EvalTypes.SparseProbing, name, p.Experiment);
                var absorption = EvalResults.Read(context, EvalTypes.Absorption, name, p.Experiment);
                var saeProbes = EvalResults.Read(context, EvalTypes.SaeProbes, name, p.Experiment);
                return TrainingRow.From(name, manifest.Info, cfg) with
                {
                    Core = EvalResults.Read(context, EvalTypes.Core, name, p.Experiment) is { } core ? CoreMetrics.From(core.Json, core.File) : null,
                    SparseTop1 = sparse is { } sp ? SeedMetric.FromKey(sp.Json, "sae_top_1_test_accuracy", sp.File) : null,
                    LlmTop1 = sparse is { } lp ? SeedMetric.FromKey(lp.Json, "llm_top_1_test_accuracy", lp.File) : null,
                    Absorption = absorption is { } ab ? SeedMetric.FromKey(ab.Json, "mean_absorption_fraction_score", ab.File) : null,
                    FullAbsorption = absorption is { } fa ? SeedMetric.FromKey(fa.Json, "mean_full_absorption_score", fa.File) : null,
                    SaeProbesAuc = saeProbes is { } sp2
                        ? SeedMetric.FromKey(sp2.Json, $"sae_top_{sp2.Json["eval_config"]!["ks"]![0]!.GetValue<int>()}_test_auc", sp2.File) : null,
                    Causal = EvalResults.Read(context, EvalTypes.Causal, name, p.Experiment) is { } ca ? CausalMetrics.From(ca.Json, ca.File) : null,
                    Scr = EvalResults.Read(context, EvalTypes.Scr, name, p.Experiment) is { } scr ? SeedMetric.From(scr.Json, ScrScores.MetricKey, scr.File) : null,
                    Tpp = EvalResults.Read(context, EvalTypes.Tpp, name, p.Experiment) is { } tpp ? SeedMetric.From(tpp.Json, TppScores.TotalKey, tpp.File) : null,
                };
            }).ToList();
            table = TrainingTable.Markdown(rows);
            Header(summary, p, "SAEs on language-model activations")
                .Append(table)
                .AppendLine()
                .AppendLine("Training statistics of each SAE's last logged batch: L0 (mean active latents per token), explained variance " +
                            "(1 − Σ‖x − x̂‖² / Σ‖x − x̄‖²), mse (mean over tokens of Σ_d (x − x̂)²), dead (latents silent for the last " +
                            "dead_after_tokens training tokens).");
            if (rows.Any(r => r.Core is not null))
                summary.AppendLine()
                    .AppendLine("SAEBench core (on its own token stream): loss rec. is ce_loss_score, (CE_zero-ablated − CE_SAE) / (CE_zero-ablated − CE_clean); " +
                                "KL score likewise with KL to the clean next-token distribution; EV (legacy) is explained_variance_legacy, the formula the " +
                                "SAEBench paper and Neuronpedia report (eval_result_unstructured.fvu has a correct FVU beside it). Result files:")
                    .AppendLine(string.Join("\n", rows.Select(r => r.Core?.EvalFile).OfType<string>().Select(f => $"- [{f}](../../{f})")));
            if (rows.Any(r => r.SparseTop1 is not null))
                summary.AppendLine()
                    .AppendLine("Sparse probing: top-1 is the test accuracy of a logistic regression on the one latent (SAE) or activation dimension (LLM) " +
                                "whose class means differ most, averaged over classes and SAEBench's data sets; mean ± sample sd over seeds. Result files:")
                    .AppendLine(string.Join("\n", rows.Select(r => r.SparseTop1?.EvalFile).OfType<string>().Select(f => $"- [{f}](../../{f})")));
            if (rows.Any(r => r.SaeProbesAuc is not null))
                summary.AppendLine()
                    .AppendLine("sae-probes (Kantamneni et al. 2025; SAEBench's sparse_probing_sae_probes): every class of every sparse-probing data set as " +
                                "a balanced binary task on last-token activations; the column is the test AUC of a logistic regression on the SAE's top-k " +
                                "latents (k the smallest run), the strength of its penalty (reg_type, L1 by default) chosen by validation AUC, mean over tasks, mean ± sample sd over seeds. " +
                                "The model's own probe (llm_test_auc) and every k are in the result files:")
                    .AppendLine(string.Join("\n", rows.Select(r => r.SaeProbesAuc?.EvalFile).OfType<string>().Select(f => $"- [{f}](../../{f})")));
            if (rows.Any(r => r.Absorption is not null))
                summary.AppendLine()
                    .AppendLine("Absorption (SAEBench's absorption_first_letter, lower is better): the mean over letters of the share of the letter probe's " +
                                "projection that latents other than the letter's main ones carry on words the probe recognises (absorption), and the " +
                                "share of those words where one other latent carries it while the main latents are silent (full abs.); mean ± sample sd " +
                                "over seeds, – where the model's letter probe was too weak to score (see the result files):")
                    .AppendLine(string.Join("\n", rows.Select(r => r.Absorption?.EvalFile).OfType<string>().Select(f => $"- [{f}](../../{f})")));
            if (rows.Any(r => r.Causal is not null))
                summary.AppendLine()
                    .AppendLine("NCES (zero ablation): median over alive latents of the mean KL of next-token distributions that zeroing the latent " +
                                "causes, per unit of its mean activation; inert: alive latents whose zeroing moves the distributions by less than " +
                                "inert_kl. Every intervention's distribution and each latent's scores are in the result files:")
                    .AppendLine(string.Join("\n", rows.Select(r => r.Causal?.EvalFile).OfType<string>().Select(f => $"- [{f}](../../{f})")));
            var evaluated = rows.SelectMany(r => new[] { r.Scr, r.Tpp }).OfType<SeedMetric>().ToList();
            if (evaluated.Count > 0)
                summary.AppendLine()
                    .AppendLine($"SCR@N is SAEBench's scr_metric_threshold_N and TPP@N its tpp_threshold_N_total_metric (N latents ablated), " +
                                $"mean ± sample sd over {evaluated[0].Seeds} seeds; every seed is a full SAEBench run with that random_seed. " +
                                "Per-pair, per-class and per-seed numbers, and the accuracies behind them, are in the result files:")
                    .AppendLine(string.Join("\n", evaluated.Select(m => $"- [{m.EvalFile}](../../{m.EvalFile})")));
            (var comparisonSections, comparison) = Comparison(p, rows);
            summary.Append(comparisonSections);
            string noise = MetricNoise.Markdown(SeedGroups.Of(p.Config["saes"] as JsonArray), rows);
            if (noise.Length > 0)
            {
                summary.AppendLine().AppendLine("## Metric noise").AppendLine().Append(noise);
                comparison += $"\nmetric noise:\n{noise}";
            }
            AtomicFile.WriteAllText(Path.Combine(context.OutputDir, "summary.json"), Json.Serialize(rows));
        }
        var figures = ReportPlots.Draw(context.OutputDir, p.Saes.Select(name => PlotInputsOf(context, name, p.Experiment)).ToList());
        if (figures.Count > 0)
        {
            summary.AppendLine();
            foreach (var (file, caption) in figures) summary.AppendLine($"![{caption}]({file})").AppendLine();
        }
        AtomicFile.WriteAllText(Path.Combine(context.OutputDir, "summary.md"), summary.ToString());

        string ranLog = ArtifactLayout.RanLog(context.Root);
        var ran = File.Exists(ranLog) ? File.ReadAllLines(ranLog).Where(l => l.Length > 0).ToList() : [];
        // The previous report is the one the experiment's link still points at: this one is linked when it commits.
        string link = CurrentLink.PathOf(context.FinalDir, p.Experiment);
        string? previousDir = CurrentLink.Target(link);
        var previous = previousDir is not null && File.Exists(Path.Combine(previousDir, Manifest.FileName))
            ? Json.ReadFile<Manifest>(Path.Combine(previousDir, Manifest.FileName)) : null;
        var changes = previous is null ? ["first report in this artifacts folder"] : ParamsDiff.Describe(previous.Params["config"], p.Config);

        // One entry per build that changed something: a changed config or items that ran. (A report rerun only because
        // the clone moved or an override restated a value changes no result.) The key names this transition, from the
        // previous report to this one, so a rerun after a kill between appending and committing finds its entry.
        string summaryPath = Path.Combine(link, "summary.md");
        if (changes.Count > 0 || ran.Count > 0)
        {
            string key = Hashing.Sha256Hex($"{previous?.StartedUtc:O}→{context.Spec.Fingerprint}")[..16];
            bool appended = NotesLog.Append(local.NotesFile, key, NotesEntry(p, local, changes, ran, table, comparison));
            context.Log($"summary in {summaryPath}; {(appended ? "entry appended to" : "entry already in")} {local.NotesFile}");
        }
        else context.Log($"summary in {summaryPath}; no result changed, so no notes entry");
        if (File.Exists(ranLog)) File.Delete(ranLog);
        context.Commit(new JsonObject { ["rows"] = p.Saes.Count });
        CurrentLink.Point(link, context.FinalDir);
    }

    /// <summary>What the plots read of one SAE: its training log and whichever of its core, SCR and causal results exist.</summary>
    static PlotInputs PlotInputsOf(StageContext context, string sae, string release)
    {
        var (saeDir, _) = context.Input(InputRole.SaeNamed(sae));
        string log = Path.Combine(saeDir, Sae.TrainingLog.FileName);
        return new PlotInputs(sae, File.Exists(log) ? log : null, EvalResults.Read(context, EvalTypes.Core, sae, release)?.Json,
                              EvalResults.Read(context, EvalTypes.Scr, sae, release)?.Json, EvalResults.Read(context, EvalTypes.Causal, sae, release)?.Json);
    }

    static StringBuilder Header(StringBuilder summary, ReportParams p, string what) => summary
        .AppendLine($"# {p.Experiment}: {what}")
        .AppendLine()
        .AppendLine($"Pipeline `{p.PipelineFile}`{(p.Overrides.Count > 0 ? $" with `{string.Join(" ", p.Overrides)}`" : "")}, report of {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC.")
        .AppendLine()
        .Append(Description(p) is { } description ? $"{description}\n\n" : "");

    static SummaryRow Row(StageContext context, string name, string release)
    {
        var (_, saeManifest) = context.Input(InputRole.SaeNamed(name));
        var (result, evalFile, _) = EvalResults.Read(context, EvalTypes.SyntheticRecovery, name, release)!;
        var m = result["eval_result_metrics"]!;
        double Metric(string category, string key) => Json.Number(m[category]?[key]);
        var description = SaeDescription.From(result["sae_cfg_dict"]);
        return new SummaryRow(
            name, description.Architecture, description.Sparsity,
            result["sae_cfg_dict"]?["d_sae"]?.GetValue<int>() ?? 0,
            Metric("sparsity", "l0"), Metric("sparsity", "true_l0"),
            Metric("reconstruction_quality", "explained_variance"),
            Metric("feature_recovery", "mmcs"), Metric("feature_recovery", "mcc"), Metric("feature_recovery", "frac_recovered"),
            Metric("dead_latents", "frac_dead"), Metric("shrinkage", "l2_ratio"),
            Json.Number(saeManifest.Info?["seconds"]),
            evalFile);
    }

    /// <summary>
    /// The SAEs grouped by seed: the comparison table (when a group has two SAEs or more) and, for groups trained with an
    /// objective section, the contrast with their baseline group and its reading; as summary.md sections and as the
    /// notes entry's tail (no "##" headings there: "## " starts an entry in notes.txt). Both "" when there is neither.
    /// </summary>
    internal static (string Summary, string Notes) Comparison(ReportParams p, IReadOnlyList<TrainingRow> rows)
    {
        var groups = SeedGroups.Of(p.Config["saes"] as JsonArray);
        string acrossSeeds = ComparisonTable.Markdown(groups, rows);
        var contrasts = ObjectiveContrasts.Of(groups, rows);
        string contrast = contrasts.Count == 0 ? "" : $"{ObjectiveContrasts.Markdown(contrasts)}\n{ContrastReading.Paragraphs(contrasts)}\n";
        string summary = (acrossSeeds.Length > 0 ? $"\n## Across training seeds\n\n{acrossSeeds}" : "") +
                         (contrast.Length > 0 ? $"\n## Objective vs baseline\n\n{contrast}" : "");
        string notes = (acrossSeeds.Length > 0 ? $"\nacross training seeds:\n{acrossSeeds}" : "") +
                       (contrast.Length > 0 ? $"\nobjective vs baseline:\n{contrast}" : "");
        return (summary, notes);
    }

    static string? Description(ReportParams p) => p.Config["description"] is JsonValue d && d.GetValue<string>() is { Length: > 0 } s ? s : null;

    internal static string NotesEntry(ReportParams p, ReportLocal local, IReadOnlyList<string> changes, IReadOnlyList<string> ran, string table, string comparison)
    {
        var text = new StringBuilder()
            .AppendLine($"## {DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC · {p.Experiment}")
            .AppendLine($"pipeline: {local.PipelineFile}{(p.Overrides.Count > 0 ? $" -p:Set=\"{string.Join(";", p.Overrides)}\"" : "")}")
            .AppendLine($"changed: {(changes.Count == 0 ? "no config change (code or upstream results changed)" : string.Join("; ", changes))}")
            .AppendLine($"ran: {(ran.Count == 0 ? "" : string.Join(", ", ran) + ", ")}Report")
            .AppendLine();
        if (Description(p) is { } description) text.AppendLine(description).AppendLine();
        return text.Append(table).Append(comparison).ToString();
    }
}
