using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using SaePipeline.Formats;
using static TorchSharp.torch;

namespace SaePipeline.Tests.Models;

/// <summary>The `forward` and `tokenize` verbs, run as a user runs them: as a separate process on files.</summary>
public sealed class VerbTests
{
    [Theory]
    [InlineData("gpt2")]
    [InlineData("gemma2_bf16")]
    public void ForwardVerbReproducesTheGoldens(string fixture)
    {
        using var dir = new TempDir();
        string output = Path.Combine(dir.Path, "out.safetensors");
        var (code, stdout) = Stages("forward", Fixtures.Golden(fixture, "model"), "--input-ids", Fixtures.Golden(fixture, "golden", "input_ids.npy"),
                                    "--hook", "blocks.0.hook_resid_post", "--hook", "blocks.1.hook_resid_post", "--out", output, "--batch-size", "2");
        Assert.True(code == 0, stdout);
        var golden = Golden.Load(fixture);
        var result = Safetensors.Load(output);
        Assert.True(ModelGoldenTests.MaxAbsDiff(result["logits"], golden.Logits) <= 1e-4);
        Assert.Equal(golden.Loss, result["loss"].item<float>(), 1e-5);
        Assert.Empty(result["loss"].shape);
        for (int l = 0; l < 2; l++)
            Assert.True(ModelGoldenTests.MaxAbsDiff(result[$"blocks.{l}.hook_resid_post"], golden.LayerOutputs[l]) <= 1e-4);
    }

    [Fact]
    public void ForwardVerbRejectsABadHookBeforeAnyWork()
    {
        using var dir = new TempDir();
        var (code, output) = Stages("forward", Fixtures.Golden("gpt2", "model"), "--input-ids", Fixtures.Golden("gpt2", "golden", "input_ids.npy"),
                                    "--hook", "blocks.7.hook_resid_post", "--out", Path.Combine(dir.Path, "out.safetensors"));
        Assert.Equal(1, code);
        Assert.Contains("error SAE4001: unknown hook point 'blocks.7.hook_resid_post'; this model's hook points are blocks.{0..1}.", output);
        Assert.False(File.Exists(Path.Combine(dir.Path, "out.safetensors")));
        (code, output) = Stages("forward", Fixtures.Golden("gpt2", "model"), "--input-ids", Fixtures.Golden("gpt2", "golden", "logits.npy"),
                                "--out", Path.Combine(dir.Path, "out.safetensors"));
        Assert.Equal(1, code);
        Assert.Contains("expected an int64 or int32 array [batch, positions], got Float32", output);
    }

    [Fact]
    public void TokenizeVerbWritesTheReferenceIds()
    {
        using var dir = new TempDir();
        var cases = JsonNode.Parse(File.ReadAllText(Fixtures.Golden("tokenizer", "cases.json")))!["cases"]!.AsArray();
        var texts = cases.Select(c => c!["text"]!.GetValue<string>()).ToArray();
        string input = dir.File("texts.json", JsonSerializer.Serialize(texts)), output = Path.Combine(dir.Path, "ids.json");
        var (code, stdout) = Stages("tokenize", Fixtures.Golden("tokenizer"), "--texts", input, "--out", output);
        Assert.True(code == 0, stdout);
        var ids = JsonSerializer.Deserialize<int[][]>(File.ReadAllText(output))!;
        Assert.Equal(cases.Select(c => c!["ids"]!.AsArray().Select(i => i!.GetValue<int>()).ToArray()), ids);
    }

    static (int Code, string Output) Stages(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(typeof(Commands).Assembly.Location);
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }
}
