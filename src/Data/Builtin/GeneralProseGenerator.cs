using System.Globalization;
using System.Text;
using SaePipeline.Runtime;

namespace SaePipeline.Data.Builtin;

/// <summary>
/// Unlabelled English prose from <see cref="ProseGrammar"/>: stories (40%), encyclopedia entries (35%) and dialogues
/// (25%) of roughly 40–150 words. Part of the pretraining mixture rather than a SAEBench data set.
/// </summary>
public sealed class GeneralProseGenerator : ITextGenerator
{
    static readonly string[] Entries = ["place_entry", "species_entry", "person_entry", "invention_entry"];

    readonly Grammar grammar;
    readonly Dictionary<string, int> entryLengths = [];

    public GeneralProseGenerator()
    {
        // An entry's sentences are ordered (name and definition first), so each becomes its own rule "<entry>_<i>".
        var sentences = new Dictionary<string, string[]>();
        foreach (var entry in Entries)
        {
            var lines = ProseGrammar.Rules[entry];
            entryLengths[entry] = lines.Length;
            for (int i = 0; i < lines.Length; i++) sentences[$"{entry}_{i}"] = [lines[i]];
        }
        grammar = new Grammar(ProseGrammar.Variables, CommonRules.Rules, ProseGrammar.Rules, sentences);
    }

    public DatasetKind Kind => DatasetKind.Text;

    public string Name => "prose";

    public GeneratedRow Generate(long index, long seed, string split) => Generate(DocumentRandom.For(seed, Name, split, index));

    internal GeneratedRow Generate(SplitMix64 random)
    {
        bool female = random.Chance(0.5);
        int born = random.Between(1700, 1950);
        var bindings = new List<string>(WordPools.Pronouns(female))
        {
            random.Pick(female ? WordPools.FemaleFirstNames : WordPools.MaleFirstNames),
            random.Chance(0.7) ? random.Pick(WordPools.FirstNames) : grammar.Expand("companion_role", random),
            random.Pick(WordPools.FirstNames),
            random.Pick(WordPools.FirstNames),
            born.ToString(CultureInfo.InvariantCulture),
            (born + random.Between(30, 95)).ToString(CultureInfo.InvariantCulture),
            grammar.Expand("invented", random),
        };
        double kind = random.NextDouble();
        string text = kind < 0.4 ? Story(random, bindings) : kind < 0.75 ? Entry(random, bindings) : Dialogue(random, bindings);
        return new GeneratedRow(text, []);
    }

    string Story(SplitMix64 random, IReadOnlyList<string> bindings)
    {
        var story = new Paragraph(800);
        story.Add(grammar, "story_open", random, bindings);
        if (random.Chance(0.5)) story.Add(grammar, "story_open", random, bindings);
        for (int n = random.Between(3, 8); n > 0; n--) story.Add(grammar, "story_middle", random, bindings);
        story.Add(grammar, "story_end", random, bindings);
        return story.ToString();
    }

    string Entry(SplitMix64 random, IReadOnlyList<string> bindings)
    {
        var entry = random.Pick(Entries);
        if (entry == "person_entry") bindings = [.. bindings.Take(5), $"{bindings[5]} {random.Pick(WordPools.Surnames)}", .. bindings.Skip(6)];
        var text = new Paragraph(800);
        text.Add(grammar, $"{entry}_0", random, bindings);
        for (int i = 1; i < entryLengths[entry]; i++)
            if (random.Chance(0.75)) text.Add(grammar, $"{entry}_{i}", random, bindings);
        return text.ToString();
    }

    string Dialogue(SplitMix64 random, IReadOnlyList<string> bindings)
    {
        string a = bindings[7], b = bindings[8];
        bool script = random.Chance(0.5);
        var text = new StringBuilder(600);
        var said = new HashSet<string>(StringComparer.Ordinal);
        for (int turn = 0, turns = random.Between(4, 10); turn < turns; turn++)
        {
            string speaker = turn % 2 == 0 ? a : b, line = grammar.Expand("dialogue_line", random, bindings);
            for (int retry = 0; retry < 3 && !said.Add(line); retry++) line = grammar.Expand("dialogue_line", random, bindings);
            if (script)
            {
                if (turn > 0) text.Append('\n');
                text.Append(speaker).Append(": ").Append(line);
            }
            else
            {
                if (turn > 0) text.Append(' ');
                bool question = line[^1] == '?';
                if (line[^1] == '.') line = line[..^1] + ",";   // "It was great, thanks," said Anna.
                text.Append('"').Append(line).Append("\" ").Append(question ? "asked" : random.Pick(["said", "replied", "answered"])).Append(' ').Append(speaker).Append('.');
            }
        }
        return text.ToString();
    }
}
