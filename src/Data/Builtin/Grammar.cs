using System.Text;
using SaePipeline.Runtime;

namespace SaePipeline.Data.Builtin;

/// <summary>
/// A small random template grammar, compiled once and expanded per document. Rules map a name to alternatives,
/// drawn uniformly (list an alternative twice to weight it). In an alternative:
/// <list type="bullet">
/// <item><c>{name}</c>: a per-document variable when one of that name was declared, otherwise a rule;</item>
/// <item><c>{a|b|c}</c>: an inline choice, each branch itself a template (<c>{|very }</c> is an optional word);</item>
/// <item><c>{#1990-2020}</c>: a uniform integer, both ends included;</item>
/// <item><c>{^…}</c>: the expansion with its first letter capitalised; <c>{@…}</c>: prefixed with "a" or "an".</item>
/// </list>
/// A choice reached twice in one expansion redraws once when it lands on its previous alternative, which makes
/// "{focus} and {focus}" name one thing twice only rarely. Later rule layers replace earlier rules of the same name,
/// which is how one profession's or language's vocabulary is laid over shared sentence frames (so a layer must not
/// reuse a shared rule's name by accident). Unknown names fail at construction, not in the middle of a data set.
/// </summary>
public sealed class Grammar
{
    readonly Dictionary<string, Choice> rules = new(StringComparer.Ordinal);
    readonly Dictionary<string, int> variables = new(StringComparer.Ordinal);

    public Grammar(IReadOnlyList<string> variableNames, params IReadOnlyDictionary<string, string[]>[] layers)
    {
        for (int i = 0; i < variableNames.Count; i++) variables.Add(variableNames[i], i);
        var merged = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var layer in layers)
            foreach (var (name, alternatives) in layer) merged[name] = alternatives;
        foreach (var name in merged.Keys)
        {
            if (variables.ContainsKey(name)) throw new ArgumentException($"'{name}' is both a rule and a variable");
            rules[name] = new Choice();
        }
        foreach (var (name, alternatives) in merged)
        {
            if (alternatives.Length == 0) throw new ArgumentException($"rule '{name}' has no alternatives");
            rules[name].Alternatives = alternatives.Select(a => Parse(a, name)).ToArray();
        }
    }

    /// <summary>
    /// Appends one expansion of <paramref name="rule"/>; <paramref name="bindings"/> are the variables' values in
    /// declaration order, needed only as far as the expansion reaches a variable.
    /// </summary>
    public void Expand(string rule, SplitMix64 random, StringBuilder into, IReadOnlyList<string>? bindings = null)
    {
        if (!rules.TryGetValue(rule, out var choice)) throw new ArgumentException($"no rule '{rule}'", nameof(rule));
        choice.Write(new Expansion(random, bindings ?? [], into));
    }

    public string Expand(string rule, SplitMix64 random, IReadOnlyList<string>? bindings = null)
    {
        var text = new StringBuilder();
        Expand(rule, random, text, bindings);
        return text.ToString();
    }

    sealed class Expansion(SplitMix64 random, IReadOnlyList<string> bindings, StringBuilder text)
    {
        public SplitMix64 Random { get; } = random;
        public IReadOnlyList<string> Bindings { get; } = bindings;
        public StringBuilder Text { get; } = text;

        // The last alternative each choice took in this expansion: "{focus} and {focus}" should name two things.
        readonly List<(Choice Choice, int Index)> picks = [];

        public int Pick(Choice choice, int count)
        {
            int slot = picks.FindIndex(p => ReferenceEquals(p.Choice, choice));
            int index = Random.NextInt(count);
            if (slot < 0) picks.Add((choice, index));
            else
            {
                if (index == picks[slot].Index && count > 1) index = Random.NextInt(count);
                picks[slot] = (choice, index);
            }
            return index;
        }
    }

    abstract class Part
    {
        public abstract void Write(Expansion e);
    }

    sealed class Literal(string text) : Part
    {
        public readonly string Text = text;
        public override void Write(Expansion e) => e.Text.Append(Text);
    }

    sealed class Sequence(Part[] parts) : Part
    {
        public override void Write(Expansion e)
        {
            foreach (var part in parts) part.Write(e);
        }
    }

    sealed class Choice : Part
    {
        public Part[] Alternatives = [];
        public override void Write(Expansion e) => Alternatives[e.Pick(this, Alternatives.Length)].Write(e);
    }

    sealed class Variable(string name, int index) : Part
    {
        public override void Write(Expansion e) =>
            e.Text.Append(index < e.Bindings.Count ? e.Bindings[index] : throw new ArgumentException($"no binding for variable '{name}'"));
    }

    sealed class Number(int low, int high) : Part
    {
        public override void Write(Expansion e) => e.Text.Append(e.Random.Between(low, high));
    }

    sealed class Capitalised(Part inner) : Part
    {
        public override void Write(Expansion e)
        {
            int start = e.Text.Length;
            inner.Write(e);
            if (e.Text.Length > start) e.Text[start] = char.ToUpperInvariant(e.Text[start]);
        }
    }

    sealed class WithArticle(Part inner) : Part
    {
        public override void Write(Expansion e)
        {
            int start = e.Text.Length;
            inner.Write(e);
            e.Text.Insert(start, English.IndefiniteArticle(e.Text, start) + " ");
        }
    }

    Part Parse(string template, string rule)
    {
        int pos = 0;
        var part = ParseSequence(template, ref pos, rule, nested: false);
        if (pos != template.Length) throw new ArgumentException($"rule '{rule}': unbalanced '}}' in \"{template}\"");
        return part;
    }

    Part ParseSequence(string s, ref int pos, string rule, bool nested)
    {
        var parts = new List<Part>();
        var literal = new StringBuilder();
        while (pos < s.Length)
        {
            char c = s[pos];
            if (nested && (c == '|' || c == '}')) break;
            if (c == '}') throw new ArgumentException($"rule '{rule}': unbalanced '}}' in \"{s}\"");
            if (c != '{')
            {
                literal.Append(c);
                pos++;
                continue;
            }
            if (literal.Length > 0) parts.Add(new Literal(literal.ToString()));
            literal.Clear();
            pos++;
            parts.Add(ParseBrace(s, ref pos, rule));
        }
        if (literal.Length > 0) parts.Add(new Literal(literal.ToString()));
        return parts.Count == 1 ? parts[0] : new Sequence([.. parts]);
    }

    /// <summary>Parses what follows a '{' up to and including its '}'.</summary>
    Part ParseBrace(string s, ref int pos, string rule)
    {
        if (pos >= s.Length) throw new ArgumentException($"rule '{rule}': unclosed '{{' in \"{s}\"");
        if (s[pos] == '^') { pos++; return new Capitalised(ParseBrace(s, ref pos, rule)); }
        if (s[pos] == '@') { pos++; return new WithArticle(ParseBrace(s, ref pos, rule)); }
        if (s[pos] == '#')
        {
            int close = s.IndexOf('}', pos);
            var bounds = close < 0 ? [] : s[(pos + 1)..close].Split('-');
            if (bounds.Length != 2 || !int.TryParse(bounds[0], out int low) || !int.TryParse(bounds[1], out int high) || high < low)
                throw new ArgumentException($"rule '{rule}': bad number range in \"{s}\"");
            pos = close + 1;
            return new Number(low, high);
        }
        var branches = new List<Part>();
        while (true)
        {
            branches.Add(ParseSequence(s, ref pos, rule, nested: true));
            if (pos >= s.Length) throw new ArgumentException($"rule '{rule}': unclosed '{{' in \"{s}\"");
            if (s[pos++] == '}') break;
        }
        if (branches.Count == 1 && branches[0] is Literal { Text: var name } && IsName(name))
        {
            if (variables.TryGetValue(name, out int index)) return new Variable(name, index);
            if (rules.TryGetValue(name, out var target)) return target;
            throw new ArgumentException($"rule '{rule}' refers to '{name}', which is neither a rule nor a variable");
        }
        if (branches.Count == 1 && branches[0] is Literal { Text: var text })
            throw new ArgumentException($"rule '{rule}': '{{{text}}}' is no name; write '{{|{text}}}' for an optional text");
        return new Choice { Alternatives = [.. branches] };
    }

    static bool IsName(string text) => text.Length > 0 && text.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
