using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace SaePipeline.Evals;

/// <summary>
/// A float written as Python's <c>json.dump</c> writes it, which is how SAEBench's result files hold a metric: a finite
/// value as a JSON number, ±∞ as the bare tokens <c>Infinity</c> / <c>-Infinity</c> (docs/saebench.md §4.1). Those
/// tokens are not strict JSON; Python's json (and so SAEBench and pandas' json reader) reads them back as floats, and
/// <see cref="Runtime.Json.ParseAllowingNamedLiterals"/> reads them here.
/// </summary>
[JsonConverter(typeof(PythonFloatConverter))]
public readonly record struct PythonFloat(double Value)
{
    /// <summary>A JSON node for <paramref name="value"/>: a number when finite, else Python's literal.</summary>
    public static JsonNode Node(double value) => double.IsFinite(value) ? JsonValue.Create(value) : JsonValue.Create(new PythonFloat(value))!;

    public string Literal => double.IsNaN(Value) ? "NaN"
        : double.IsPositiveInfinity(Value) ? "Infinity"
        : double.IsNegativeInfinity(Value) ? "-Infinity"
        : Value.ToString("R", CultureInfo.InvariantCulture);
}

sealed class PythonFloatConverter : JsonConverter<PythonFloat>
{
    public override PythonFloat Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        new(reader.TokenType == JsonTokenType.String
            ? double.Parse(reader.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture)
            : reader.GetDouble());

    public override void Write(Utf8JsonWriter writer, PythonFloat value, JsonSerializerOptions options)
    {
        if (double.IsFinite(value.Value)) writer.WriteNumberValue(value.Value);
        else writer.WriteRawValue(value.Literal, skipInputValidation: true);   // Python's token, deliberately not strict JSON
    }
}
