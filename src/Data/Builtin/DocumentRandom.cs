using SaePipeline.Runtime;

namespace SaePipeline.Data.Builtin;

/// <summary>
/// The random stream of one document, derived from (seed, generator, split, index) alone. SplitMix64.For hashes its
/// stream name with SHA-256, which is a large share of the time of a 50-word document; an FNV-1a hash of the
/// generator/split pair through SplitMix's finaliser separates the streams just as well for this purpose.
/// </summary>
public static class DocumentRandom
{
    public static SplitMix64 For(long seed, string generator, string split, long index)
    {
        ulong h = 0xCBF29CE484222325UL;
        foreach (char c in generator) h = (h ^ c) * 0x100000001B3UL;
        h = (h ^ '/') * 0x100000001B3UL;
        foreach (char c in split) h = (h ^ c) * 0x100000001B3UL;
        return new SplitMix64(Finalise(Finalise(h ^ Finalise((ulong)seed)) + (ulong)index * 0x9E3779B97F4A7C15UL));
    }

    /// <summary>SplitMix64's output function: a bijection that spreads every input bit over the whole word.</summary>
    static ulong Finalise(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public static double NextDouble(this SplitMix64 random) => (random.NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public static bool Chance(this SplitMix64 random, double probability) => random.NextDouble() < probability;

    public static T Pick<T>(this SplitMix64 random, IReadOnlyList<T> items) => items[random.NextInt(items.Count)];

    /// <summary>Uniform integer in [low, high], both ends included.</summary>
    public static int Between(this SplitMix64 random, int low, int high) => low + random.NextInt(high - low + 1);
}
