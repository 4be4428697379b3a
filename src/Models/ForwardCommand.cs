using SaePipeline.Formats;
using SaePipeline.Runtime;
using static TorchSharp.torch;

namespace SaePipeline.Models;

/// <summary>
/// `stages forward &lt;model-folder&gt; --input-ids ids.npy [--hook name]... --out out.safetensors`: runs a checkpoint on
/// token ids and writes <c>logits</c> [B, T, V] float32, <c>loss</c> (the mean next-token CE, a 0-d float32) and each
/// requested hook point's activations under its name, so a user can compare our numbers with transformers' directly.
/// </summary>
public static class ForwardCommand
{
    public const string Usage =
        "stages forward <model-folder> --input-ids <ids.npy> [--attention-mask <mask.npy>] [--hook <name>]... --out <file.safetensors> " +
        "[--dtype float32|bfloat16] [--device auto|cpu|cuda] [--batch-size N]";

    public static int Run(CommandLine cl)
    {
        if (cl.Positional.Count != 1) throw new PipelineException($"usage: {Usage}", "forward");
        string folder = Path.GetFullPath(cl.Positional[0]), output = Path.GetFullPath(cl.Require("out"));
        var dtype = ModelLoader.ParseDtype(cl.Get("dtype") ?? "float32", "--dtype");
        if (!Enum.TryParse<DeviceChoice>(cl.Get("device") ?? "auto", ignoreCase: true, out var choice))
            throw new PipelineException($"--device must be auto, cpu or cuda, got '{cl.Get("device")}'", "forward");
        var device = TorchRuntime.Resolve(choice);
        int batchSize = cl.Int("batch-size", 8);
        using var ids = Npy.Read(cl.Require("input-ids"));
        if (ids.dtype is not (ScalarType.Int64 or ScalarType.Int32) || ids.dim() != 2)
            throw new PipelineException($"{cl.Require("input-ids")}: expected an int64 or int32 array [batch, positions], got {ids.dtype} [{string.Join(", ", ids.shape)}]", cl.Require("input-ids"));
        using var mask = cl.Get("attention-mask") is { } maskPath ? Npy.Read(maskPath) : null;

        using var model = ModelLoader.Load(folder, dtype, device, warning => Console.WriteLine($"warning: {warning}"));
        var hooks = cl.All("hook").ToList();
        foreach (var h in hooks) HookPoint.Parse(h, model.Dims.NLayers);   // fail before any work on a bad name
        Console.WriteLine($"forward: {model.Dims.Architecture}, {model.Dims.NLayers} layers, d_model {model.Dims.DModel}, " +
                          $"{ModelLoader.DtypeName(dtype)} on {TorchRuntime.Describe(device)}; input [{string.Join(", ", ids.shape)}]");

        using var noGrad = no_grad();
        var logits = new List<Tensor>();
        var captured = hooks.ToDictionary(h => h, _ => new List<Tensor>());
        double lossSum = 0, lossCount = 0;
        for (long start = 0; start < ids.shape[0]; start += batchSize)
        {
            long n = Math.Min(batchSize, ids.shape[0] - start);
            using var result = model.Forward(ids.narrow(0, start, n), mask?.narrow(0, start, n),
                                             new ForwardRequest { Logits = true, Loss = true, Capture = hooks });
            logits.Add(result.Logits!.cpu());
            foreach (var h in hooks) captured[h].Add(result.Activations[h].to(ScalarType.Float32).cpu());
            var lossMask = result.LossMask!;
            lossSum += (result.TokenLoss!.to(ScalarType.Float64) * lossMask).sum().item<double>();
            lossCount += lossMask.sum().item<long>();
        }
        var tensors = new Dictionary<string, Tensor>
        {
            ["logits"] = cat(logits, 0),
            ["loss"] = tensor((float)(lossSum / Math.Max(1, lossCount))),
        };
        foreach (var (h, parts) in captured) tensors[h] = cat(parts, 0);

        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        string tmp = $"{output}.tmp-{Environment.ProcessId}";
        Safetensors.Save(tmp, tensors);
        File.Move(tmp, output, overwrite: true);
        Console.WriteLine($"forward: loss {lossSum / Math.Max(1, lossCount):F6} over {lossCount} predictions → {output}");
        return 0;
    }
}
