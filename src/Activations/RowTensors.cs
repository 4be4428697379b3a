using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace SaePipeline.Activations;

public static class RowTensors
{
    /// <summary>A new CPU float32 tensor [rows, d] holding a copy of row-major data (the source array may be reused).</summary>
    public static Tensor FromRows(ReadOnlySpan<float> data, int rows, int d)
    {
        var t = empty([rows, d], float32);
        MemoryMarshal.AsBytes(data[..(rows * d)]).CopyTo(t.bytes);
        return t;
    }
}
