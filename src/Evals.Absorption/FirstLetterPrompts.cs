using SaePipeline.Config;
using SaePipeline.Models.Tokenizers;
using SaePipeline.Runtime;

namespace SaePipeline.Evals.Absorption;

/// <summary>
/// One first-letter prompt: in-context examples, one per line ("{ex} has the first letter: E"), then the word's own
/// line without its answer. <see cref="WordPosition"/> is the word's last token, where the activation is read.
/// </summary>
public sealed record FirstLetterPrompt(string Word, int Letter, string Text, int[] Ids, int WordPosition);

/// <summary>
/// SAEBench's <c>create_icl_prompt</c> with its first-letter answers (" C" for "cat": a space, then the first letter
/// upper-cased), examples separated by "\n". SAEBench reads every prompt at one fixed offset from the end (−6 for its
/// template on GPT-2-style tokenizers, where " has the first letter:" is five tokens); we find the word's last token
/// in each prompt instead, so the template and the tokenizer can be anything.
/// </summary>
public sealed class FirstLetterPrompts(ModelTokenizer tokenizer, AbsorptionConfig settings)
{
    const string Separator = "\n";

    public static string Answer(string word) => " " + char.ToUpperInvariant(FirstLetterVocabulary.Letters[FirstLetterVocabulary.LetterOf(word)]);

    /// <summary>
    /// The prompt for <paramref name="word"/>, its examples drawn from <paramref name="examples"/> without the word
    /// (SAEBench redraws until the word is absent: the same as drawing from the others), in random order.
    /// </summary>
    public FirstLetterPrompt Build(string word, IReadOnlyList<string> examples, SplitMix64 random)
    {
        var others = Sample(examples, word, settings.IclExamples, random);
        string head = string.Concat(others.Select(e => Line(e) + Answer(e) + Separator));
        string line = Line(word);
        int at = line.IndexOf(word, StringComparison.Ordinal);
        string throughWord = head + line[..(at + word.Length)];
        string text = head + line;
        int[] ids = [.. tokenizer.EncodeForModel(text)];
        var prefix = tokenizer.EncodeForModel(throughWord);
        // The word's tokens must stay whole in the full prompt: a template that glues text onto the word ("{word}s")
        // could merge across the boundary, and then no position holds the word alone.
        if (prefix.Count > ids.Length || !prefix.SequenceEqual(ids.Take(prefix.Count)))
            throw new PipelineException($"evals.absorption.prompt_template \"{settings.PromptTemplate}\": the word \"{word}\" tokenizes differently inside the prompt; " +
                                        "put a space or punctuation after {word}", "prompt_template");
        return new FirstLetterPrompt(word, FirstLetterVocabulary.LetterOf(word), text, ids, prefix.Count - 1);
    }

    string Line(string word) => settings.PromptTemplate.Replace("{word}", word, StringComparison.Ordinal);

    static List<string> Sample(IReadOnlyList<string> pool, string exclude, int count, SplitMix64 random)
    {
        int available = pool.Count(w => w != exclude);
        if (available < count)
            throw new PipelineException($"evals.absorption: {count} in-context examples asked for, but the split has only {available} other words; lower icl_examples", "icl_examples");
        var chosen = new HashSet<int>();
        var result = new List<string>(count);
        while (result.Count < count)
        {
            int i = random.NextInt(pool.Count);
            if (pool[i] == exclude || !chosen.Add(i)) continue;
            result.Add(pool[i]);
        }
        return result;
    }
}
