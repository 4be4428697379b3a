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
/// tensors' memory. libtorch's sparse (COO) × dense product runs on one thread: at d_in 512, d_sae 16384, B 4096, k 64
/// it took 1.9× (Combine) and 3.5× (Scatter) as long as these loops, about the same at the default shapes. It has no CPU
/// sampled product (sampled_addmm wants CSR, which TorchSharp does not expose), and gathering W's rows through torch ops
/// took 8× the loop. Combine and Scatter split their outputs, not their entries, among threads, and every output row
/// adds its entries in entry order: the sums do not depend on the thread count. Other devices and dtypes use libtorch's
/// COO product and a chunked gather.
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

    /// <summary>
    /// Each row's k largest entries (values, column indices; unordered), as torch.topk(k, dim: 1, sorted: false). A row is
    /// scanned a SIMD vector at a time against a running threshold, the k-th largest so far: most vectors have no entry
    /// above it and cost one comparison. Entries above it are appended to a buffer of 2k, which, when full, is cut back to
    /// its k largest (a quickselect), raising the threshold. libtorch's CPU top-k took 1.6× as long on [4096, 16384] with
    /// k 64, and 1.15× on [1024, 1024] with k 32, where both are dominated by the first few hundred entries of each row.
    /// NaN counts as larger than any number, as in torch.topk, so a diverged step still shows in the loss.
    /// </summary>
    public static (Tensor Values, Tensor Indices) RowTopK(Tensor pre, int k)
    {
        if (!OnCpu(pre, pre) || pre.ndim != 2) return pre.topk(k, dim: 1, largest: true, sorted: false);
        return RowTopKCpu(pre.contiguous(), k);
    }

    static unsafe (Tensor Values, Tensor Indices) RowTopKCpu(Tensor pre, int k)
    {
        int rows = (int)pre.shape[0], cols = (int)pre.shape[1];
        if (k > cols) throw new ArgumentException($"k = {k} exceeds the row length {cols}");
        var values = empty([rows, k], ScalarType.Float32);
        var indices = empty([rows, k], ScalarType.Int64);
        nint pp = Data(pre), pv = Data(values), pi = Data(indices);
        Parallel.For(0, rows, () => (new float[2 * k], new long[2 * k]), (r, _, buffer) =>
        {
            var (bv, bi) = buffer;
            float* row = (float*)pp + (long)r * cols;
            int count = 0, width = Vector<float>.Count;
            float threshold = float.NegativeInfinity;
            void Add(float v, long at)
            {
                if (count < k) { bv[count] = v; bi[count++] = at; return; }   // the first k always enter
                if (!Larger(v, threshold)) return;
                bv[count] = v;
                bi[count++] = at;
                if (count == bv.Length) { KeepLargest(bv, bi, count, k); count = k; threshold = Smallest(bv, k); }
            }
            int j = 0;
            for (; j < Math.Min(k, cols); j++) Add(row[j], j);
            var t = new Vector<float>(threshold);
            for (; j <= cols - width; j += width)
            {
                var v = Vector.Load(row + j);
                // No lane above the threshold and none NaN: nothing to add. (A NaN lane fails both comparisons.)
                if (!Vector.GreaterThanAny(v, t) && Vector.EqualsAll(v, v)) continue;
                for (int lane = 0; lane < width; lane++) Add(row[j + lane], j + lane);
                t = new Vector<float>(threshold);
            }
            for (; j < cols; j++) Add(row[j], j);
            if (count > k) KeepLargest(bv, bi, count, k);
            new ReadOnlySpan<float>(bv, 0, k).CopyTo(new Span<float>((float*)pv + (long)r * k, k));
            new ReadOnlySpan<long>(bi, 0, k).CopyTo(new Span<long>((long*)pi + (long)r * k, k));
            return buffer;
        }, _ => { });
        GC.KeepAlive(pre);
        return (values, indices);
    }

    /// <summary>a > b with NaN above everything (torch.topk's order).</summary>
    static bool Larger(float a, float b) => float.IsNaN(a) ? !float.IsNaN(b) : a > b;

    static float Smallest(float[] v, int n)
    {
        float m = v[0];
        for (int i = 1; i < n; i++) if (Larger(m, v[i])) m = v[i];
        return m;
    }

    /// <summary>Reorders the first n entries so the k largest come first (Hoare quickselect, median-of-three pivots).</summary>
    static void KeepLargest(float[] v, long[] at, int n, int k)
    {
        int lo = 0, hi = n - 1;
        while (lo < hi)
        {
            int mid = lo + (hi - lo) / 2;
            if (Larger(v[mid], v[lo])) Swap(v, at, mid, lo);
            if (Larger(v[hi], v[lo])) Swap(v, at, hi, lo);
            if (Larger(v[mid], v[hi])) Swap(v, at, mid, hi);
            float pivot = v[hi];   // the median of the three
            int i = lo, j = hi;
            while (i <= j)
            {
                while (Larger(v[i], pivot)) i++;
                while (Larger(pivot, v[j])) j--;
                if (i <= j) Swap(v, at, i++, j--);
            }
            // [lo, j] ≥ pivot ≥ [i, hi]; keep narrowing to the side that holds position k.
            if (k - 1 <= j) hi = j;
            else if (k - 1 >= i) lo = i;
            else return;
        }
    }

    static void Swap(float[] v, long[] at, int a, int b)
    {
        (v[a], v[b]) = (v[b], v[a]);
        (at[a], at[b]) = (at[b], at[a]);
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
    static nint Data(Tensor t) => THSTensor_data(t.Handle);

    [DllImport("LibTorchSharp")]
    static extern nint THSTensor_data(nint handle);
}
