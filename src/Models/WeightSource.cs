using SaePipeline.Runtime;
using static TorchSharp.torch;

namespace SaePipeline.Models;

/// <summary>
/// Where an architecture's weights come from, by their HuggingFace names: a checkpoint on disk, or (for a model we
/// train ourselves) fresh initial values. The architecture asks for each tensor with the shape its config implies.
/// </summary>
public interface IWeightSource
{
    bool Contains(string name);

    /// <summary>The tensor, in the compute dtype, on the compute device.</summary>
    Tensor Get(string name, long[] shape);
}

/// <summary>Weights read from a checkpoint folder and converted to the compute dtype one tensor at a time.</summary>
public sealed class CheckpointWeights(Checkpoint checkpoint, ScalarType dtype, Device device) : IWeightSource
{
    public bool Contains(string name) => checkpoint.Contains(name);

    public Tensor Get(string name, long[] shape) => checkpoint.Read(name, shape, dtype, device);
}

/// <summary>
/// Checks a checkpoint against an architecture without reading any weight data: every tensor's presence, shape and
/// dtype come from the safetensors headers, and the model is built on the meta device (no memory).
/// </summary>
public sealed class HeaderOnlyWeights(Checkpoint checkpoint) : IWeightSource
{
    public bool Contains(string name) => checkpoint.Contains(name);

    public Tensor Get(string name, long[] shape)
    {
        checkpoint.Validate(name, shape);
        return empty(shape, ScalarType.Float32, device: META);
    }
}

/// <summary>
/// Fresh weights for a model we build ourselves (benchmarks; models we pretrain): N(0, 0.02) for matrices and
/// embeddings (GPT-2's initialisation), 1 for the scale of a LayerNorm, 0 for biases. Seeded, so the same seed gives
/// the same model.
/// </summary>
public sealed class InitialWeights(long seed, ScalarType dtype, Device device) : IWeightSource
{
    readonly Generator generator = TorchRuntime.Generator(seed, "initial-weights");

    public bool Contains(string name) => false;

    public Tensor Get(string name, long[] shape)
    {
        using var scope = NewDisposeScope();
        var t = name.EndsWith("bias", StringComparison.Ordinal) ? zeros(shape)
              : shape.Length == 1 ? ones(shape)
              : randn(shape, generator: generator).mul_(0.02);
        return t.to(dtype, device).DetachFromDisposeScope();
    }
}
