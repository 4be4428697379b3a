using System.Runtime;

namespace SaePipeline.Runtime;

/// <summary>
/// A stretch of tensor work during which the garbage collector does not run, so other threads may allocate meanwhile.
/// <para>
/// TorchSharp 0.107 wraps every number an op takes in a <c>Scalar</c> freed by its finalizer, and creates such numbers
/// itself where we pass none (<c>a + b</c> is <c>a.add(b, alpha: 1)</c>). Such a Scalar is unreachable as soon as its
/// handle has been read, which is before libtorch reads its value. A collection triggered by another thread during that
/// native call can finalize and free it mid-call: libtorch then reads freed memory ("Expected false to be true" from
/// c10::Scalar::toDouble, or a wrong alpha). Measured with one thread allocating garbage: 13k–270k implicit
/// <c>mul_</c>, <c>gt</c>, <c>+</c>, <c>clamp_max</c> calls until a crash; CI saw it once in a 5,000-step TrainSae whose
/// batch prefetch parses Parquet beside the step. With only the calling thread allocating it cannot happen: a
/// collection then starts only at one of its own allocations, never inside one of its native calls.
/// </para>
/// <para>
/// So wherever tensor work runs while another thread allocates (TrainSae's prefetch, CacheActivations' tokenizer and
/// Parquet writer), the work sits inside <c>using (NoCollections.During())</c>. The region collects first (about 0.2 ms
/// on a small heap) and then lets the process allocate up to its budget without a collection: 3 M implicit calls
/// under a garbage-allocating thread, in 15 k regions, did not crash. If the budget runs out inside a region the runtime
/// collects anyway and the region ends early (<see cref="Held"/> is then false); the budget is sized so that does not
/// happen in our stages. Regions do not nest: an inner one is a no-op. A loop keeps one region and calls
/// <see cref="Renew"/> before each step.
/// </para>
/// </summary>
public sealed class NoCollections : IDisposable
{
    /// <summary>Bytes every thread together may allocate inside a region: far above what a step or a forward batch needs.</summary>
    public const long DefaultBudget = 128L << 20;

    readonly long budget;
    bool owner;
    long allocatedAtStart;

    NoCollections(long budget)
    {
        this.budget = budget;
        Start();
    }

    public static NoCollections During(long budget = DefaultBudget) => new(budget);

    /// <summary>Whether this region still holds (no collection ran since it began).</summary>
    public bool Held => owner && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion;

    /// <summary>
    /// Before the next piece of work in a loop: keeps one region across many pieces and collects (at this safe point)
    /// only once half the budget has been allocated or something ended the region, so a training loop pays one
    /// collection per ~64 MB of allocation instead of one per step.
    /// </summary>
    public void Renew()
    {
        if (Held && GC.GetTotalAllocatedBytes() - allocatedAtStart < budget / 2) return;
        End();
        Start();
    }

    void Start()
    {
        // An enclosing region already protects this one; starting another would throw. The mode is process-wide, so
        // a region another thread started between the check and the call throws too: that region protects us as well.
        try
        {
            owner = GCSettings.LatencyMode != GCLatencyMode.NoGCRegion && GC.TryStartNoGCRegion(budget);
        }
        catch (InvalidOperationException)
        {
            owner = false;
        }
        allocatedAtStart = GC.GetTotalAllocatedBytes();
    }

    void End()
    {
        if (Held) GC.EndNoGCRegion();
        owner = false;
    }

    public void Dispose() => End();
}
