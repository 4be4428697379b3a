using System.Text.Json.Nodes;
using SaePipeline.Activations;
using SaePipeline.Config;
using SaePipeline.Evals;
using SaePipeline.Models.Prepare;
using SaePipeline.Reports;
using SaePipeline.Runtime;
using SaePipeline.Sae;

namespace SaePipeline.Plan;

/// <summary>The DAG for one config, in an order where every item comes after the items it reads.</summary>
public sealed record PipelinePlan(LoadedConfig Config, IReadOnlyList<PlanItem> Items);

/// <summary>
/// Turns a validated config into stage items: the model (when pipeline.yaml names one), one activation cache, then per SAE a TrainSae and an EvaluateSynthetic
/// item, then the report. Each item's params are exactly what its stage reads, so its fingerprint moves only when
/// something it depends on does.
/// </summary>
public static class PipelinePlanner
{
    public static PipelinePlan Build(LoadedConfig loaded, string notesFile)
    {
        var c = loaded.Config;
        var items = new List<PlanItem>();

        if (c.Model is { } model)
        {
            // The folder's fingerprint is part of the params: a changed checkpoint reruns PrepareModel and what reads it.
            string folder = model.ResolvedPath(Path.GetDirectoryName(loaded.Path)!);
            Add(items, StageKind.PrepareModel, "model",
                new PrepareModelParams { Source = folder, FolderFingerprint = ModelFolder.Fingerprint(folder), Dtype = model.Dtype }, []);
        }

        var synthetic = c.Synthetic with { Seed = c.Synthetic.Seed ?? c.Seed };
        var cache = Add(items, StageKind.CacheActivations, "synthetic",
            new CacheActivationsParams { Source = ActivationSource.Synthetic, Synthetic = synthetic }, []);

        var reportInputs = new Dictionary<string, PlanItem>();
        foreach (var sae in c.Saes)
        {
            var train = Add(items, StageKind.TrainSae, sae.Name,
                new TrainSaeParams { Sae = sae with { Seed = sae.Seed ?? c.Seed }, DIn = synthetic.DIn, Device = c.Device },
                new() { ["activations"] = cache });
            var eval = Add(items, StageKind.EvaluateSynthetic, sae.Name,
                new EvaluateSyntheticParams { SaeName = sae.Name, Release = c.Name, Settings = c.Evals.SyntheticRecovery, Device = c.Device },
                new() { ["sae"] = train, ["activations"] = cache });
            reportInputs[$"sae/{sae.Name}"] = train;
            reportInputs[$"eval/{sae.Name}"] = eval;
        }

        var report = new ReportParams
        {
            Experiment = c.Name,
            PipelineFile = loaded.Path,
            NotesFile = notesFile,
            Overrides = loaded.Overrides,
            Saes = c.Saes.Select(s => s.Name).ToList(),
            Config = (JsonObject)Json.ToNode(c),
        };
        Add(items, StageKind.Report, "report", report, reportInputs, contentAddressed: false);
        return new PipelinePlan(loaded, items);
    }

    static PlanItem Add<TParams>(List<PlanItem> items, StageKind kind, string name, TParams parameters,
                                 Dictionary<string, PlanItem> inputs, bool contentAddressed = true)
    {
        var node = (JsonObject)Json.ToNode(parameters);
        string fingerprint = Fingerprint.Compute(kind, node, inputs);
        var item = new PlanItem
        {
            Kind = kind,
            Name = name,
            Id = contentAddressed ? $"{name}-{fingerprint[..8]}" : name,
            Fingerprint = fingerprint,
            Params = node,
            Inputs = inputs,
            ContentAddressed = contentAddressed,
        };
        items.Add(item);
        return item;
    }
}
