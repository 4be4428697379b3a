using TorchSharp;
using static TorchSharp.torch;

namespace SaePipeline.Runtime;

/// <summary>Device choice and seeded generators. No global RNG state is used: every consumer gets its own generator.</summary>
public static class TorchRuntime
{
    public static Device Resolve(DeviceChoice choice) => choice switch
    {
        DeviceChoice.Cpu => CPU,
        DeviceChoice.Cuda when cuda.is_available() => CUDA,
        DeviceChoice.Cuda => throw new PipelineException(
            "device: cuda was requested but CUDA is not available (this build uses the CPU libtorch; build with -p:TorchBackend=cuda on a GPU machine)", "pipeline.yaml"),
        _ => cuda.is_available() ? CUDA : CPU,
    };

    /// <summary>A generator for a named stream of a seed, so adding a new random draw does not shift existing ones.</summary>
    public static Generator Generator(long seed, string stream, Device? device = null)
    {
        ulong derived = SplitMix64.For(seed, stream).NextUInt64() >> 1;   // libtorch seeds are int64
        return new Generator(derived, device ?? CPU);
    }

    public static string Describe(Device device) =>
        device.type == DeviceType.CPU ? $"cpu ({get_num_threads()} threads)" : device.ToString();
}
