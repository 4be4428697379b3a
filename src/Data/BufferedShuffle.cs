using SaePipeline.Runtime;

namespace SaePipeline.Data;

/// <summary>
/// A seeded shuffle of a stream of documents that never holds more than <see cref="Buffer"/> of them: fill the buffer,
/// then for each new document emit a random slot's and put the new one there; at the end, emit the rest in random
/// order. Any stream, even an endless one, can be shuffled so; core evaluation orders its documents this way, as does
/// the causal objective, so both draw rows the same way.
/// </summary>
public static class BufferedShuffle
{
    /// <summary>Documents held at once.</summary>
    public const int Buffer = 1024;

    public static IEnumerable<T> Of<T>(IEnumerable<T> items, SplitMix64 random)
    {
        var buffer = new List<T>(Buffer);
        foreach (var item in items)
        {
            if (buffer.Count < Buffer)
            {
                buffer.Add(item);
                continue;
            }
            int j = random.NextInt(Buffer);
            yield return buffer[j];
            buffer[j] = item;
        }
        random.Shuffle(buffer);
        foreach (var item in buffer) yield return item;
    }
}
