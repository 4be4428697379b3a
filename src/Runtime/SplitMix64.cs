namespace SaePipeline.Runtime;

/// <summary>
/// A tiny seeded generator for data order (shuffles, row sampling). Ours rather than System.Random so that the
/// sequence for a seed is fixed by this code, not by a .NET version.
/// </summary>
public sealed class SplitMix64(ulong seed)
{
    ulong state = seed;

    /// <summary>The whole generator state: a checkpoint saves it, a resumed run puts it back.</summary>
    public ulong State
    {
        get => state;
        set => state = value;
    }

    public ulong NextUInt64()
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform integer in [0, n), without modulo bias.</summary>
    public int NextInt(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n));
        ulong bound = (ulong)n, limit = ulong.MaxValue - ulong.MaxValue % bound;
        ulong r;
        do r = NextUInt64(); while (r >= limit);
        return (int)(r % bound);
    }

    /// <summary>Fisher–Yates shuffle in place.</summary>
    public void Shuffle<T>(IList<T> items)
    {
        for (int i = items.Count - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>A generator for a named sub-stream, so adding a consumer of randomness does not shift the others.</summary>
    public static SplitMix64 For(long seed, string stream) =>
        new((ulong)seed * 0x9E3779B97F4A7C15UL ^ Convert.ToUInt64(Hashing.Sha256Hex(stream)[..16], 16));
}
