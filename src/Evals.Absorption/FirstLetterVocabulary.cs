using SaePipeline.Models.Tokenizers;

namespace SaePipeline.Evals.Absorption;

/// <summary>
/// The words of the first-letter task: SAEBench's <c>get_alpha_tokens</c>, every vocabulary entry that decodes to
/// ASCII letters only, after at most one leading space (" cat", "Dog"). Each is one token of the model's own
/// tokenizer, so the task needs no word list and works for any model.
/// </summary>
public static class FirstLetterVocabulary
{
    public const string Letters = "abcdefghijklmnopqrstuvwxyz";

    /// <summary>The words in id order, each once (two ids that decode alike give one word).</summary>
    public static IReadOnlyList<string> Of(ModelTokenizer tokenizer)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var words = new List<string>();
        for (int id = 0; id <= tokenizer.MaxId; id++)
        {
            string word = tokenizer.Decode([id]);
            if (IsWord(word) && seen.Add(word)) words.Add(word);
        }
        return words;
    }

    public static bool IsWord(string token)
    {
        var letters = token.StartsWith(' ') ? token.AsSpan(1) : token.AsSpan();
        if (letters.IsEmpty) return false;
        foreach (char ch in letters)
            if (!char.IsAsciiLetter(ch)) return false;
        return true;
    }

    /// <summary>0 for a/A … 25 for z/Z: the word's first letter, the class the probes predict.</summary>
    public static int LetterOf(string word)
    {
        foreach (char ch in word)
            if (char.IsAsciiLetter(ch)) return char.ToLowerInvariant(ch) - 'a';
        throw new ArgumentException($"'{word}' has no letter", nameof(word));
    }
}
