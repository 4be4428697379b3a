using System.Text.Json.Nodes;
using SaePipeline.Runtime;

namespace SaePipeline.Reports;

/// <summary>
/// What the causal objective's term costs, as TrainSae measured it within one run: steps taken with the term and
/// without it, and the seconds per token of each. Measuring both in the same run on the same machine keeps machine
/// load and hardware out of the ratio, which a comparison of two runs' tokens/s cannot.
/// </summary>
public sealed record CausalOverhead(
    long StepsWithTerm, long StepsWithoutTerm, double SecondsPerTokenWithTerm, double SecondsPerTokenWithoutTerm, double Ratio)
{
    /// <summary>From a TrainSae manifest's info (its <c>causal_overhead</c> object), or null when that SAE has none.</summary>
    public static CausalOverhead? From(JsonNode? info)
    {
        if (info?["causal_overhead"] is not JsonObject o) return null;
        static double D(JsonNode? v) => Json.Number(v);
        static long L(JsonNode? v) => v?.GetValue<long>() ?? 0;
        return new CausalOverhead(L(o["steps_with_term"]), L(o["steps_without_term"]), D(o["seconds_per_token_with_term"]),
                                  D(o["seconds_per_token_without_term"]), D(o["ratio"]));
    }
}
