using System.Numerics;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace SaePipeline.Sae;

/// <summary>
/// The three products a k-sparse SAE step needs, with n kept entries (row r_i, latent c_i, value a_i) of a [B, F] matrix:
///   Combine:  out[b]   = Σ_{i: r_i = b} a_i · W[c_i]        (decode; [B, d] from W [F, d])
///   Scatter:  out[c]   = Σ_{i: c_i = c} a_i · y[r_i]        (∂W_dec with y = ∂x̂, ∂W_encᵀ with y = x; [F, d])
///   Sampled:  out[i]   = y[r_i] · W[c_i]                    (∂a = ∂x̂·W_decᵀ at the kept entries only; [n])
/// each n·d multiply-adds instead of the dense B·F·d. On the CPU in float32 they are parallel SIMD loops over the
/// tensors' memory: libtorch's sparse (COO) × dense product runs on one thread and took 2–3× as long here, and it has
/// no CPU sampled product at all (sampled_addmm wants CSR, which TorchSharp does not expose; gathering rows through torch
/// ops cost 8× the loop). Combine and Scatter split their outputs, not their entries, among threads, and every output
/// row adds its entries in entry order: the sums do not depend on the thread count. Other devices and dtypes use
/// libtorch's COO product and a chunked gather.
/// </summary>
public static class SparseKernels
{
    public static Tensor Combine(Tensor rows, Tensor cols, Tensor values, Tensor w, long batchSize) =>
        OnCpu(values, w) ? AccumulateCpu(rows, cols, values, w.contiguous(), batchSize)
                         : CooMatrix(rows, cols, values, batchSize, w.shape[0]).mm(w);

    public static Tensor Scatter(Tensor rows, Tensor cols, Tensor values, Tensor y, long dSae) =>
        OnCpu(values, y) ? AccumulateCpu(cols, rows, values, y.contiguous(), dSae)
                         : CooMatrix(cols, rows, values, dSae, y.shape[0]).mm(y);

    public static Tensor Sampled(Tensor rows, Tensor cols, Tensor y, Tensor w)
    {
        if (OnCpu(y, w)) return SampledCpu(rows, cols, y.contiguous(), w.contiguous());
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

    static bool OnCpu(Tensor a, Tensor b) =>
        a.device.type == TorchSharp.DeviceType.CPU && a.dtype == ScalarType.Float32 && b.dtype == ScalarType.Float32;

    /// <summary>out[o_i] += a_i · source[s_i] for every entry, out [outputs, d]. Each thread owns a band of output rows and
    /// scans all entries for its own, so no two threads write one row and each row sums in entry order.</summary>
    static unsafe Tensor AccumulateCpu(Tensor outputIndex, Tensor sourceIndex, Tensor values, Tensor source, long outputs)
    {
        long n = values.shape[0];
        int d = (int)source.shape[1];
        using var o = outputIndex.to(ScalarType.Int64).contiguous();
        using var s = sourceIndex.to(ScalarType.Int64).contiguous();
        using var a = values.detach().contiguous();
        var result = zeros([outputs, d], ScalarType.Float32);
        nint po = Data(o), ps = Data(s), pa = Data(a), psrc = Data(source), pr = Data(result);
        int bands = (int)Math.Min(outputs, Math.Max(1, Environment.ProcessorCount * 4L));
        Parallel.For(0, bands, band =>
        {
            long first = outputs * band / bands, end = outputs * (band + 1) / bands;
            long* oi = (long*)po, si = (long*)ps;
            float* av = (float*)pa, src = (float*)psrc, r = (float*)pr;
            for (long i = 0; i < n; i++)
            {
                long row = oi[i];
                if (row < first || row >= end) continue;
                Axpy(av[i], src + si[i] * d, r + row * d, d);
            }
        });
        GC.KeepAlive(source);
        return result;
    }

    static unsafe void Axpy(float alpha, float* x, float* y, int n)
    {
        var a = new Vector<float>(alpha);
        int i = 0, width = Vector<float>.Count;
        for (; i <= n - width; i += width) Vector.Store(Vector.Load(y + i) + a * Vector.Load(x + i), y + i);
        for (; i < n; i++) y[i] += alpha * x[i];
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
    internal static nint Data(Tensor t) => THSTensor_data(t.Handle);

    [DllImport("LibTorchSharp")]
    static extern nint THSTensor_data(nint handle);
}
