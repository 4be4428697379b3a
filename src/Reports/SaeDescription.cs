using System.Text.Json.Nodes;

namespace SaePipeline.Reports;

/// <summary>
/// How a table names an SAE's kind and what sets its sparsity, read from its cfg.json: the training section TrainSae
/// writes names both (metadata.training.architecture and .sparsity, the label the architecture's definition gives).
/// </summary>
public sealed record SaeDescription(string Architecture, string Sparsity)
{
    public static SaeDescription From(JsonNode? cfg)
    {
        var training = cfg?["metadata"]?["training"];
        if (training is null)
            return new SaeDescription(cfg?["architecture"]?.GetValue<string>() ?? "?", cfg?["metadata"]?["imported_from"] is null ? "–" : "imported");
        return new SaeDescription(training["architecture"]?.GetValue<string>() ?? "?", training["sparsity"]?.GetValue<string>() ?? "–");
    }
}
