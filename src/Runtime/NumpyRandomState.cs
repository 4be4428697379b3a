namespace SaePipeline.Runtime;

/// <summary>
/// NumPy's legacy <c>np.random.RandomState(seed)</c>, as far as pandas' <c>DataFrame.sample(n, random_state=seed)</c>
/// uses it: the MT19937 generator seeded by Matsumoto &amp; Nishimura's <c>init_genrand</c> (NumPy's
/// <c>mt19937_seed</c> for an integer seed), bounded integers by masked rejection (NumPy's <c>random_interval</c>),
/// and <c>permutation</c> as a Fisher–Yates shuffle running from the last element down. SAEBench picks TPP and
/// sparse-probing rows with pandas' sample, whose rows are <c>permutation(len)[:n]</c>; with this class we pick the
/// same rows from the same file (docs/saebench.md §2.4), instead of a different sample of the same size.
/// </summary>
public sealed class NumpyRandomState
{
    const int N = 624, M = 397;
    const uint MatrixA = 0x9908B0DFu, UpperMask = 0x80000000u, LowerMask = 0x7FFFFFFFu;

    readonly uint[] state = new uint[N];
    int position;

    public NumpyRandomState(uint seed)
    {
        state[0] = seed;
        for (int i = 1; i < N; i++)
            state[i] = unchecked(1812433253u * (state[i - 1] ^ (state[i - 1] >> 30)) + (uint)i);
        position = N;
    }

    /// <summary>RandomState accepts seeds in [0, 2³² − 1]; anything else is an error there too.</summary>
    public static NumpyRandomState FromSeed(long seed) =>
        seed is >= 0 and <= uint.MaxValue
            ? new NumpyRandomState((uint)seed)
            : throw new ArgumentOutOfRangeException(nameof(seed), seed, "NumPy's RandomState takes seeds between 0 and 2**32 - 1");

    /// <summary>The next 32-bit output (genrand_int32).</summary>
    public uint NextUInt32()
    {
        if (position >= N) Twist();
        uint y = state[position++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9D2C5680u;
        y ^= (y << 15) & 0xEFC60000u;
        return y ^ (y >> 18);
    }

    void Twist()
    {
        for (int i = 0; i < N; i++)
        {
            uint y = (state[i] & UpperMask) | (state[(i + 1) % N] & LowerMask);
            state[i] = state[(i + M) % N] ^ (y >> 1) ^ ((y & 1) != 0 ? MatrixA : 0);
        }
        position = 0;
    }

    /// <summary>Uniform in [0, max]: draws masked to the smallest all-ones mask covering max, rejected until ≤ max.</summary>
    public long Interval(long max)
    {
        if (max == 0) return 0;
        if (max > uint.MaxValue) throw new NotSupportedException("intervals above 2^32 - 1 draw 64-bit values in NumPy; not needed here");
        uint mask = (uint)max;
        mask |= mask >> 1;
        mask |= mask >> 2;
        mask |= mask >> 4;
        mask |= mask >> 8;
        mask |= mask >> 16;
        uint value;
        while ((value = NextUInt32() & mask) > max) { }
        return value;
    }

    /// <summary><c>RandomState.permutation(n)</c>: 0 … n−1 shuffled in place from the end.</summary>
    public int[] Permutation(int n)
    {
        var items = new int[n];
        for (int i = 0; i < n; i++) items[i] = i;
        for (int i = n - 1; i > 0; i--)
        {
            int j = (int)Interval(i);
            (items[i], items[j]) = (items[j], items[i]);
        }
        return items;
    }

    /// <summary>
    /// pandas' <c>sample(n, random_state=seed)</c> on a frame of <paramref name="rows"/> rows: the positions
    /// <c>RandomState(seed).choice(rows, n, replace=False)</c> returns, which is <c>permutation(rows)[:n]</c>, in that order.
    /// </summary>
    public static int[] PandasSample(int rows, int n, long seed)
    {
        if (n > rows) throw new ArgumentOutOfRangeException(nameof(n), n, $"cannot sample {n} of {rows} rows without replacement");
        return FromSeed(seed).Permutation(rows)[..n];
    }
}
