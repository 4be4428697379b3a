using System.Numerics;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace SaePipeline.Sae;

/// <summary>
/// The three products a k-sparse SAE step needs, with n kept entries (row r_i, latent c_i, value a_i) of a [B, F] matrix:
///   Combine:  out[b]   = Σ_{i: r_i = b} a_i · W[c_i]        (decode; [B, d] from W [F, d])
///   Scatter:  out[c]   = Σ_{i: c_i = c} a_i · y[r_i]        (∂W_dec with y = ∂x̂, ∂W_encᵀ with y = x; [F, d])
///   Sampled:  out[i]   = y[r_i] · W[c_i]                    (∂a = ∂x̂·W_decᵀ at the kept entries only; [n])
/// each n·d multiply-adds instead of the dense B·F·d. Combine and Scatter are libtorch's sparse (COO) × dense product,
/// on any device. Libtorch has no CPU sampled product (sampled_addmm wants CSR, which TorchSharp does not expose), and
/// a gather-and-reduce through torch ops costs 8× a plain loop here, so on the CPU the sampled product is a parallel
/// SIMD loop over the tensors' memory; elsewhere it falls back to gathering W's rows a chunk at a time.
/// </summary>
public static class SparseKernels
{
    public static Tensor Combine(Tensor rows, Tensor cols, Tensor values, Tensor w, long batchSize) =>
        CooMatrix(rows, cols, values, batchSize, w.shape[0]).mm(w);

    public static Tensor Scatter(Tensor rows, Tensor cols, Tensor values, Tensor y, long dSae) =>
        CooMatrix(cols, rows, values, dSae, y.shape[0]).mm(y);

    public static Tensor Sampled(Tensor rows, Tensor cols, Tensor y, Tensor w)
    {
        if (y.device.type == TorchSharp.DeviceType.CPU && y.dtype == ScalarType.Float32 && w.dtype == ScalarType.Float32)
            return SampledCpu(rows, cols, y.contiguous(), w.contiguous());
        // Rows of W a chunk at a time, so the gathered [chunk, d] block stays near 64 MB whatever n is.
        long n = rows.shape[0], d = y.shape[1], chunk = Math.Max(1, (16L << 20) / d);
        var result = empty([n], y.dtype, y.device);
        for (long s = 0; s < n; s += chunk)
        {
            using var scope = NewDisposeScope();
            long e = Math.Min(n, s + chunk);
            var gathered = w.index_select(0, cols.narrow(0, s, e - s)) * y.index_select(0, rows.narrow(0, s, e - s));
            result.narrow(0, s, e - s).copy_(gathered.sum(1));
        }
        return result;
    }

    static Tensor CooMatrix(Tensor rowIndex, Tensor colIndex, Tensor values, long rows, long cols) =>
        sparse_coo_tensor(stack([rowIndex, colIndex]), values, [rows, cols], values.dtype, values.device);

    static unsafe Tensor SampledCpu(Tensor rows, Tensor cols, Tensor y, Tensor w)
    {
        long n = rows.shape[0];
        int d = (int)y.shape[1];
        using var r = rows.to(ScalarType.Int64).contiguous();
        using var c = cols.to(ScalarType.Int64).contiguous();
        var result = empty([n], ScalarType.Float32);
        nint pr = Data(r), pc = Data(c), py = Data(y), pw = Data(w), po = Data(result);
        const int Block = 4096;   // entries per parallel work item: large enough to amortise scheduling, small enough to balance
        Parallel.For(0, (int)((n + Block - 1) / Block), block =>
        {
            long* ri = (long*)pr, ci = (long*)pc;
            float* yBase = (float*)py, wBase = (float*)pw, o = (float*)po;
            long end = Math.Min(n, (block + 1L) * Block);
            for (long i = block * (long)Block; i < end; i++) o[i] = Dot(yBase + ri[i] * d, wBase + ci[i] * d, d);
        });
        GC.KeepAlive(y);
        GC.KeepAlive(w);
        return result;
    }

    static unsafe float Dot(float* a, float* b, int n)
    {
        var acc = Vector<float>.Zero;
        int i = 0, width = Vector<float>.Count;
        for (; i <= n - width; i += width) acc += Vector.Load(a + i) * Vector.Load(b + i);
        float sum = Vector.Sum(acc);
        for (; i < n; i++) sum += a[i] * b[i];
        return sum;
    }

    /// <summary>The address of a contiguous CPU tensor's first element (TorchSharp exposes it only through its native library).</summary>
    static nint Data(Tensor t) => THSTensor_data(t.Handle);

    [DllImport("LibTorchSharp")]
    static extern nint THSTensor_data(nint handle);
}
