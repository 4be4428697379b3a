using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace SaePipeline.PipelineTests;

/// <summary>What two builds of one config must agree on, however they ran (Jobs, cache, Slurm).</summary>
public static class ResultFiles
{
    /// <summary>Every result file by path (ids included) and content, without the fields that record wall-clock time.</summary>
    public static List<string> Of(string artifacts) =>
        new[] { "activations", "saes", "evals" }
            .SelectMany(stage => Directory.EnumerateFiles(Path.Combine(artifacts, stage), "*", SearchOption.AllDirectories))
            .Where(f => Path.GetFileName(f) != "manifest.json")   // it records when and how long
            .Select(f => $"{Path.GetRelativePath(artifacts, f)} {Content(f)}")
            .Order(StringComparer.Ordinal).ToList();

    /// <summary>Every file of the stage folders and the report, byte for byte, manifests included: a fetched copy is exact.</summary>
    public static List<string> Exactly(string artifacts) =>
        new[] { "activations", "saes", "evals", "report" }
            .SelectMany(stage => Directory.EnumerateFiles(Path.Combine(artifacts, stage), "*", SearchOption.AllDirectories))
            .Select(f => $"{Path.GetRelativePath(artifacts, f)} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))}")
            .Order(StringComparer.Ordinal).ToList();

    static string Content(string file) => Path.GetFileName(file) switch
    {
        "training_log.csv" => string.Join("\n", File.ReadAllLines(file).Select(l => l[..l.LastIndexOf(',')])),   // last column: seconds
        var name when name.EndsWith("_eval_results.json", StringComparison.Ordinal) => JsonNode.Parse(File.ReadAllText(file))!["eval_result_metrics"]!.ToJsonString(),
        _ => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file))),
    };
}
