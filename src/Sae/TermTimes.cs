using System.Text.Json.Nodes;

namespace SaePipeline.Sae;

/// <summary>
/// Wall time of training steps with and without a research term, in the same run: the term's overhead per token
/// measured against the very steps it is added to, on the same data stream, machine and load.
/// </summary>
public sealed class TermTimes
{
    /// <summary>Steps after the start of a run that are not timed (allocator and cache warm-up).</summary>
    public const int WarmupSteps = 10;

    double withSeconds, withoutSeconds;
    long with, without;

    public void Add(bool withTerm, double seconds)
    {
        if (withTerm) { withSeconds += seconds; with++; }
        else { withoutSeconds += seconds; without++; }
    }

    /// <summary>Seconds per training token each way and their ratio, or null unless both kinds of step were timed.</summary>
    public JsonObject? Overhead(int batchSize)
    {
        if (with == 0 || without == 0) return null;
        double perTokenWith = withSeconds / with / batchSize, perTokenWithout = withoutSeconds / without / batchSize;
        return new JsonObject
        {
            ["steps_with_term"] = with,
            ["steps_without_term"] = without,
            ["seconds_per_token_with_term"] = perTokenWith,
            ["seconds_per_token_without_term"] = perTokenWithout,
            ["ratio"] = Math.Round(perTokenWith / perTokenWithout, 4),
        };
    }
}
