using System.Text.Json.Nodes;
using SaePipeline.Artifacts;
using SaePipeline.Runtime;

namespace SaePipeline.Evals;

/// <summary>
/// SAEBench's result JSON (docs/saebench.md §4.1): the twelve top-level keys in SAEBench's order. Where SAEBench writes
/// values that only make sense inside its own repository we choose, and say so:
/// <list type="bullet">
/// <item><c>sae_bench_commit_hash</c> is the SAEBench commit whose formulas we implement, not our own commit (ours is
/// under <c>eval_result_unstructured.pipeline</c>);</item>
/// <item><c>eval_id</c> is derived from the evaluation's fingerprint instead of a random uuid4, so the same inputs give
/// the same file;</item>
/// <item><c>sae_lens_version</c> is "Unknown", SAEBench's own value when sae_lens is not installed.</item>
/// </list>
/// </summary>
public static class SaeBenchEnvelope
{
    public const string ImplementedSaeBenchCommit = "8042bb3828c6340da8d12062324e92b2077c571c";

    public static JsonObject Create(string evalTypeId, JsonObject evalConfig, StageSpec spec, JsonObject metrics,
                                    JsonArray details, string saeName, string release, JsonObject saeCfg, JsonObject unstructured)
    {
        unstructured["pipeline"] = new JsonObject
        {
            ["code"] = spec.Code.Short,
            ["eval_item"] = spec.Id,
            ["fingerprint"] = spec.Fingerprint,
            ["inputs"] = new JsonObject(spec.Inputs.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value.Id))),
        };
        return new JsonObject
        {
            ["eval_type_id"] = evalTypeId,
            ["eval_config"] = evalConfig,
            ["eval_id"] = EvalId(spec.Fingerprint),
            ["datetime_epoch_millis"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            ["eval_result_metrics"] = metrics,
            ["eval_result_details"] = details,
            ["sae_bench_commit_hash"] = ImplementedSaeBenchCommit,
            ["sae_lens_id"] = saeName,
            ["sae_lens_release_id"] = release,
            ["sae_lens_version"] = "Unknown",
            ["sae_cfg_dict"] = saeCfg,
            ["eval_result_unstructured"] = unstructured,
        };
    }

    /// <summary>SAEBench's file name: {release}_{sae_id}_eval_results.json with '/' replaced by '_'.</summary>
    public static string FileName(string release, string saeName) => $"{release}_{saeName}_eval_results.json".Replace('/', '_');

    /// <summary>A uuid-shaped id (version 8, RFC 9562 "custom") made from the fingerprint.</summary>
    public static string EvalId(string fingerprint)
    {
        string h = fingerprint;
        char variant = "89ab"[Convert.ToInt32(h[16].ToString(), 16) & 3];
        return $"{h[..8]}-{h[8..12]}-8{h[13..16]}-{variant}{h[17..20]}-{h[20..32]}";
    }

    /// <summary>A metric value: non-finite becomes null, which SAEBench's schema allows (float|null).</summary>
    public static JsonNode? Number(double value) => double.IsFinite(value) ? JsonValue.Create(value) : null;

    public static void Write(string path, JsonObject result) => AtomicFile.WriteAllText(path, result.ToJsonString(Json.Options) + "\n");
}
