using SaePipeline.Models;
using SaePipeline.Runtime;
using static TorchSharp.torch;

namespace SaePipeline.Activations;

/// <summary>
/// Runs a model on token rows only as far as one hook point's layer (later layers are never computed) and returns the
/// activations there as float32, row-major [rows, positions, d_model], in a buffer reused across calls.
/// </summary>
public sealed class HookRunner(LanguageModel model, HookPoint hook)
{
    float[] buffer = [];

    public int DModel => model.Dims.DModel;

    /// <summary>Activations of ids [rows, positions]; no attention mask, as SAEBench runs right-padded rows (causal attention
    /// keeps every real position independent of the padding after it).</summary>
    /// <remarks>
    /// Runs without garbage collections (<see cref="NoCollections"/>): the cache path tokenizes and writes Parquet on other
    /// threads meanwhile, and a collection they triggered mid-forward could free a Scalar libtorch is still reading.
    /// </remarks>
    public ReadOnlySpan<float> Run(long[] ids, int rows, int positions)
    {
        using var noCollections = NoCollections.During();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var input = tensor(ids.AsSpan(0, rows * positions).ToArray(), [rows, positions], ScalarType.Int64);
        using var result = model.Forward(input, null, new ForwardRequest { Capture = [hook.Name], StopAtLayer = hook.Layer });
        var acts = result.Activations[hook.Name].to(ScalarType.Float32).cpu().contiguous();
        int count = rows * positions * DModel;
        if (buffer.Length < count) buffer = new float[count];
        acts.data<float>().CopyTo(buffer.AsSpan(0, count));
        return buffer.AsSpan(0, count);
    }
}
