using System.Text;

namespace SaePipeline.Data.Builtin;

/// <summary>The bits of English spelling the generators need to get right to read as English.</summary>
public static class English
{
    // Vowel letters that sound like consonants, and silent h's, by the word's start.
    static readonly string[] ConsonantSounding = ["uni", "use", "usu", "uti", "eu", "one", "once", "u.s"];
    static readonly string[] VowelSounding = ["hour", "honest", "honor", "honour", "heir", "mba", "md ", "fbi", "nba", "nfl", "rn ", "llm"];

    /// <summary>"a" or "an" for the word starting at <paramref name="start"/>.</summary>
    public static string IndefiniteArticle(StringBuilder text, int start)
    {
        Span<char> head = stackalloc char[6];
        int n = Math.Min(head.Length, text.Length - start);
        for (int i = 0; i < n; i++) head[i] = char.ToLowerInvariant(text[start + i]);
        return IndefiniteArticle(head[..n]);
    }

    public static string IndefiniteArticle(ReadOnlySpan<char> word)
    {
        foreach (var prefix in VowelSounding) if (word.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) return "an";
        foreach (var prefix in ConsonantSounding) if (word.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) return "a";
        if (word.Length > 0 && (word[0] == '8' || (word.Length > 1 && word[0] == '1' && word[1] == '8' && (word.Length == 2 || !char.IsDigit(word[2])))))
            return "an";
        return word.Length > 0 && "aeiouAEIOU".Contains(word[0]) ? "an" : "a";
    }
}
