using System.Diagnostics;
using SaePipeline.Runtime;
using YamlDotNet.RepresentationModel;

namespace SaePipeline.Config;

/// <summary>
/// What one TrainSae item holds in memory at its peak, from its shapes alone, so a size that cannot fit is refused when
/// the plan is made (naming the key and the numbers) instead of by libtorch hours later, or after the caches were built.
/// The terms follow the training step: the parameters with their gradients and Adam's two moments; per batch the
/// pre-activations, latents and their gradients ([B, d_sae] each) and the inputs, reconstructions and their gradients
/// ([B, d_in]); the shuffle buffer of activation rows; and the runtime itself (libtorch, .NET, the reader's row groups).
/// An estimate, not a bound: temporaries of an architecture (AuxK's dead-latent pass, gated's two paths) come on top,
/// which is why it is only compared with what the machine has in total.
/// </summary>
public sealed record MemoryEstimate(long Parameters, long Optimizer, long Batch, long ShuffleBuffer, long Runtime)
{
    public const long RuntimeBytes = 400L << 20;

    public long Total => Parameters + Optimizer + Batch + ShuffleBuffer + Runtime;

    public static MemoryEstimate TrainSae(SaeConfig sae, int dIn)
    {
        long f = sae.DSae, d = dIn, b = sae.BatchSize;
        long parameters = 2 * d * f + f + d;   // W_enc, W_dec, b_enc, b_dec (a threshold or gate adds one more f: in the slack)
        long wideTensors = 6;                  // pre-activation, latents, a mask or the kept values, and the gradients of the first three
        long narrowTensors = 4;                // x, x̂, the residual and ∂x̂
        return new MemoryEstimate(
            Parameters: 2 * 4 * parameters,    // float32 weights and their gradients
            Optimizer: 2 * 4 * parameters,     // Adam's m and v
            Batch: 4 * b * (wideTensors * f + narrowTensors * d),
            ShuffleBuffer: 4 * sae.ShuffleBufferRows * d,
            Runtime: RuntimeBytes);
    }

    public string Describe() =>
        $"about {Bytes(Total)} (weights and gradients {Bytes(Parameters)}, Adam {Bytes(Optimizer)}, one batch {Bytes(Batch)}, " +
        $"shuffle buffer {Bytes(ShuffleBuffer)}, runtime {Bytes(Runtime)})";

    public static string Bytes(long bytes) =>
        bytes >= 1L << 30 ? FormattableString.Invariant($"{bytes / (double)(1L << 30):N1} GiB") : FormattableString.Invariant($"{bytes / (double)(1L << 20):N0} MiB");
}

/// <summary>
/// Refuses at load time every SAE whose <see cref="MemoryEstimate"/> exceeds the memory of where it will train: the
/// machine's (or its cgroup's) memory for the CPU, the GPU's for <c>device: cuda</c>.
/// </summary>
static class MemoryBudget
{
    /// <summary>For tests: the bytes to check against instead of the machine's.</summary>
    public const string OverrideVariable = "SAE_PIPELINE_MEMORY_BYTES";

    public static void Check(PipelineConfig config, YamlMappingNode root, ConfigBinder binder)
    {
        if (ModelShape.DIn(config, binder.BaseDirectory) is not { } dIn) return;
        if (!root.Children.TryGetValue(new YamlScalarNode("saes"), out var saesNode) || saesNode is not YamlSequenceNode list) return;
        var (limit, where) = Available(config.Device);
        var entries = list.Children.OfType<YamlMappingNode>().ToList();
        for (int i = 0; i < entries.Count && i < config.Saes.Count; i++)
        {
            var sae = config.Saes[i];
            if (sae.IsImported) continue;
            var estimate = MemoryEstimate.TrainSae(sae, dIn);
            if (estimate.Total <= limit) continue;
            new YamlConfigValidation(binder, entries[i], $"saes.{sae.Name}").Error("d_sae",
                $"training this SAE (d_sae {sae.DSae:N0}, d_in {dIn:N0}, batch_size {sae.BatchSize:N0}) needs {estimate.Describe()}, " +
                $"but {where} has {MemoryEstimate.Bytes(limit)}; lower d_sae or batch_size", ConfigCodes.OutOfRange);
        }
    }

    static (long Bytes, string Where) Available(DeviceChoice device)
    {
        if (long.TryParse(Environment.GetEnvironmentVariable(OverrideVariable), out long forced)) return (forced, "this machine");
        long host = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;   // physical memory, or the cgroup's limit
        if (device == DeviceChoice.Cpu || !CudaBuild() || GpuMemory() is not { } gpu) return (host, "this machine");
        return (gpu, "the GPU");
    }

    /// <summary>Whether the stage program carries CUDA's libtorch (-p:TorchBackend=cuda); the CPU build never uses a GPU.</summary>
    static bool CudaBuild() =>
        File.Exists(Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libtorch_cuda.so")) ||
        File.Exists(Path.Combine(AppContext.BaseDirectory, "libtorch_cuda.so"));

    /// <summary>The first GPU's memory from nvidia-smi (loading libtorch to ask would cost every plan a second).</summary>
    static long? GpuMemory()
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo("nvidia-smi", ["--query-gpu=memory.total", "--format=csv,noheader,nounits"])
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            });
            if (p is null) return null;
            string first = p.StandardOutput.ReadToEnd().Split('\n')[0].Trim();
            p.WaitForExit();
            return p.ExitCode == 0 && long.TryParse(first, out long mib) ? mib << 20 : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
