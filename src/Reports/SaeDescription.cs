using System.Globalization;
using System.Text.Json.Nodes;

namespace SaePipeline.Reports;

/// <summary>How a table names an SAE's kind and what sets its sparsity, read from its cfg.json (metadata.training).</summary>
public sealed record SaeDescription(string Architecture, string Sparsity)
{
    public static SaeDescription From(JsonNode? cfg)
    {
        var training = cfg?["metadata"]?["training"];
        if (training is null)
            return new SaeDescription(cfg?["architecture"]?.GetValue<string>() ?? "?", cfg?["metadata"]?["imported_from"] is null ? "–" : "imported");
        string architecture = training["architecture"]?.GetValue<string>() ?? "relu";
        static string G(JsonNode? n) => n is null ? "–" : n.GetValue<double>().ToString("G4", CultureInfo.InvariantCulture);
        string sparsity = architecture switch
        {
            "topk" or "batch_topk" => $"k {G(training["k"])}",
            "jumprelu" => training["target_l0"] is { } target ? $"target L0 {G(target)}" : $"l0 {G(training["l0_coefficient"])}",
            _ => $"l1 {G(training["l1_coefficient"])}",
        };
        return new SaeDescription(architecture, sparsity);
    }
}
