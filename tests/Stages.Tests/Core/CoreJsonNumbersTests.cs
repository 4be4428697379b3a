using System.Text.Json.Nodes;
using SaePipeline.Evals;
using SaePipeline.Evals.Core;
using SaePipeline.Runtime;

namespace SaePipeline.Tests.Core;

/// <summary>
/// Core's non-finite numbers, as SAEBench writes them (docs/saebench.md §1.5, §4.1): NaN becomes −1 before writing,
/// an infinity stays and Python's json.dump spells it Infinity / -Infinity, bare. The expectation is Python's own output:
/// json.dumps({"inf": float("inf")}) == '{"inf": Infinity}'.
/// </summary>
public sealed class CoreJsonNumbersTests
{
    [Fact]
    public void NanIsMinusOneAndInfinitiesArePythonsBareTokens()
    {
        using var dir = new TempDir();
        string file = Path.Combine(dir.Path, "result.json");
        SaeBenchEnvelope.Write(file, new JsonObject
        {
            ["nan"] = CoreJson.N(double.NaN),
            ["inf"] = CoreJson.N(double.PositiveInfinity),
            ["neg"] = CoreJson.N(double.NegativeInfinity),
            ["x"] = CoreJson.N(0.25),
            ["text"] = "NaN or Infinity, \"quoted\"",
        });
        string text = File.ReadAllText(file);
        Assert.Contains("\"nan\": -1,", text);
        Assert.Contains("\"inf\": Infinity,", text);
        Assert.Contains("\"neg\": -Infinity,", text);
        Assert.Contains("\"x\": 0.25,", text);

        // Not strict JSON, as SAEBench's own files with an infinity are not; our reader takes Python's tokens.
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => JsonNode.Parse(text));
        var json = Json.ParseAllowingNamedLiterals(text)!;
        Assert.Equal(-1.0, Json.Number(json["nan"]));
        Assert.Equal(double.PositiveInfinity, Json.Number(json["inf"]));
        Assert.Equal(double.NegativeInfinity, Json.Number(json["neg"]));
        Assert.Equal(0.25, Json.Number(json["x"]));
        Assert.Equal("NaN or Infinity, \"quoted\"", json["text"]!.GetValue<string>());
    }
}
