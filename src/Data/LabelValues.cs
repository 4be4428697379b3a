using System.Globalization;

namespace SaePipeline.Data;

/// <summary>Label values as SAEBench names classes: Python's <c>str(value)</c> of what pandas read from the file.</summary>
public static class LabelValues
{
    public static string FromInteger(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Python's repr of a float: the shortest round-trip digits, with ".0" on integral values (5.0 → "5.0").</summary>
    public static string FromFloat(double value)
    {
        if (double.IsNaN(value)) return "nan";
        if (double.IsInfinity(value)) return value > 0 ? "inf" : "-inf";
        string s = value.ToString("R", CultureInfo.InvariantCulture);
        return s.Contains('.') || s.Contains('E') ? s.Replace("E+", "e+").Replace("E-", "e-") : s + ".0";
    }
}
