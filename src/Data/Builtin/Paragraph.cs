using System.Text;
using SaePipeline.Runtime;

namespace SaePipeline.Data.Builtin;

/// <summary>
/// A document being written sentence by sentence. A sentence that opens like an earlier one (same first
/// <see cref="OpeningLength"/> characters, digits ignored) is drawn again, a few times at most: with few frames per
/// slot a bio would otherwise say "She is a former prosecutor in …" three times with three cities.
/// </summary>
public sealed class Paragraph(int capacity = 512)
{
    readonly StringBuilder text = new(capacity);
    const int OpeningLength = 28;
    readonly HashSet<string> openings = new(StringComparer.Ordinal);

    public int Words { get; private set; }

    public int Sentences => openings.Count;

    /// <summary>Appends an expansion of <paramref name="rule"/> after <paramref name="separator"/>; false if every attempt opened like an earlier sentence.</summary>
    public bool Add(Grammar grammar, string rule, SplitMix64 random, IReadOnlyList<string>? bindings = null, string separator = " ", int attempts = 4)
    {
        for (int attempt = 0; attempt < attempts; attempt++)
        {
            int mark = text.Length;
            if (mark > 0) text.Append(separator);
            int start = text.Length;
            grammar.Expand(rule, random, text, bindings);
            if (text.Length > start && openings.Add(Opening(start)))
            {
                int words = 1;
                for (int i = start; i < text.Length; i++) if (text[i] == ' ') words++;
                Words += words;
                return true;
            }
            text.Length = mark;
        }
        return false;
    }

    string Opening(int start)
    {
        Span<char> opening = stackalloc char[OpeningLength];
        int n = 0;
        for (int i = start; i < text.Length && n < OpeningLength; i++) if (!char.IsAsciiDigit(text[i])) opening[n++] = text[i];
        return new string(opening[..n]);
    }

    public override string ToString() => text.ToString();
}
