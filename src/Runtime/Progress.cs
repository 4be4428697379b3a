using System.Diagnostics;
using System.Globalization;

namespace SaePipeline.Runtime;

/// <summary>
/// Progress of long work: a live bar redrawn in place on a terminal; plain lines when output is redirected (as under
/// MSBuild) or CI is set, at most every 10% or 30 s and never more than one per 2 s; a completion line always.
/// </summary>
public sealed class Progress(string label, long total, string unit)
{
    readonly Stopwatch clock = Stopwatch.StartNew();
    readonly bool interactive = !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("CI") is null;
    double lastShown = double.NegativeInfinity;
    long lastDone;
    (double Time, long Done)? first;   // the first report: the rate is measured from here, past start-up costs

    public void Report(long done, string? detail = null)
    {
        double now = clock.Elapsed.TotalSeconds;
        first ??= (now, done);
        if (interactive)
        {
            if (now - lastShown < 0.1 && done < total) return;
            double f = total > 0 ? (double)done / total : 1;
            int filled = (int)(f * 30);
            Console.Write($"\r{label} [{new string('#', filled)}{new string('.', 30 - filled)}] {f * 100:F0}% {Count(done)}/{Count(total)} {unit}{Eta(done, now)}{Suffix(detail)}\u001b[K");
        }
        else
        {
            bool tenPercent = total > 0 && (done - lastDone) * 10 >= total;
            if (now - lastShown < 2 || !(tenPercent || now - lastShown >= 30)) return;
            Console.WriteLine($"{label}: {Count(done)}/{Count(total)} {unit} ({(total > 0 ? 100.0 * done / total : 100):F0}%){Eta(done, now)}{Suffix(detail)}");
        }
        lastShown = now;
        lastDone = done;
    }

    /// <summary>Always printed: what finished, in how long.</summary>
    public void Done(string? detail = null)
    {
        if (interactive) Console.Write("\r\u001b[K");
        Console.WriteLine($"{label}: done, {Count(total)} {unit} in {clock.Elapsed.TotalSeconds:F1} s{Suffix(detail)}");
    }

    /// <summary>
    /// Extrapolated from the work since the first report, not since the start: the first item carries one-off costs
    /// (JIT, allocator warm-up, the first read), which made a first estimate of minutes for what took seconds.
    /// </summary>
    string Eta(long done, double now) =>
        first is { } f && done > f.Done && done < total && now > f.Time
            ? $", eta {FormatSeconds((now - f.Time) / (done - f.Done) * (total - done))}" : "";

    static string Suffix(string? detail) => string.IsNullOrEmpty(detail) ? "" : $", {detail}";

    static string Count(long n) => n switch
    {
        >= 10_000_000 => (n / 1e6).ToString("F1", CultureInfo.InvariantCulture) + "M",
        >= 10_000 => (n / 1e3).ToString("F0", CultureInfo.InvariantCulture) + "k",
        _ => n.ToString(CultureInfo.InvariantCulture),
    };

    static string FormatSeconds(double s) => s >= 3600 ? $"{s / 3600:F1} h" : s >= 60 ? $"{s / 60:F1} min" : $"{s:F0} s";
}
