using SaePipeline.Runtime;

namespace SaePipeline.Data.Builtin;

/// <summary>
/// Writes a small procedural source file in a <see cref="CodeDialect"/>: a language-specific head, one to five
/// functions of integer arguments whose bodies declare, assign, branch, loop and print, and a main that calls them.
/// Variables are only used once declared, so the programs read like (and mostly are) working code.
/// </summary>
public static class ProgramSketch
{
    public static string Write(CodeDialect dialect, SplitMix64 random)
    {
        var w = new CodeWriter(dialect.Indent);
        dialect.FileStart(w, random);
        int targetLines = random.Between(10, 40);
        var functions = new List<(string Name, int Arity)>();
        var taken = new HashSet<string>();
        // The main that calls every function takes about one line per function plus four.
        int Footer() => functions.Count + 4;
        do
        {
            if (functions.Count > 0) w.Gap();
            functions.Add(WriteFunction(dialect, random, w, taken, targetLines - Footer() - 1));
        }
        while ((w.Lines + Footer() + 6 <= targetLines || w.Lines < 8) && functions.Count < 5);
        w.Gap();
        dialect.FileEnd(w, random, functions);
        return w.ToString();
    }

    /// <param name="lastLine">Statements stop once the file reaches this many lines (nested blocks may overrun it a little).</param>
    static (string, int) WriteFunction(CodeDialect d, SplitMix64 r, CodeWriter w, HashSet<string> taken, int lastLine)
    {
        string name;
        do name = d.FunctionName(CodeVocabulary.FunctionParts(r)); while (!taken.Add(name));
        var scope = new List<string>();
        int arity = r.Between(0, 3);
        while (scope.Count < arity) AddFresh(d, r, scope);
        if (r.Chance(0.5)) w.Line($"{d.Comment} {r.Pick(CodeVocabulary.Comments)}");
        w.Line(d.FunctionOpen(name, scope));
        w.Depth++;
        if (scope.Count == 0) Statement(d, r, w, scope, depth: 0, kind: 0);
        int statements = r.Between(2, 5);
        for (int s = 0; s < statements && (s < 2 || w.Lines < lastLine - 2); s++) Statement(d, r, w, scope, depth: 0, kind: r.NextInt(8));
        w.Line(d.Return(Expression(d, r, scope)));
        w.Depth--;
        if (d.BlockEnd is { } end) w.Line(end);
        return (name, arity);
    }

    static string AddFresh(CodeDialect d, SplitMix64 r, List<string> scope)
    {
        string v;
        do v = d.Variable(d.Name(CodeVocabulary.VariableParts(r))); while (scope.Contains(v));
        scope.Add(v);
        return v;
    }

    static void Statement(CodeDialect d, SplitMix64 r, CodeWriter w, List<string> scope, int depth, int kind)
    {
        if (scope.Count == 0 || (depth >= 2 && kind is 3 or 4 or 5)) kind = 0;
        switch (kind)
        {
            case 0:
            case 1:
                string e = Expression(d, r, scope);
                w.Line(d.Declare(AddFresh(d, r, scope), e));
                break;
            case 2:
                w.Line(d.Assign(r.Pick(scope), Expression(d, r, scope)));
                break;
            case 3:
                w.Line(d.If(Condition(d, r, scope)));
                Block(d, r, w, scope, depth, r.Between(1, 2));
                if (r.Chance(0.4))
                {
                    w.Line(d.Else);
                    Block(d, r, w, scope, depth, 1, closeOnly: true);
                }
                else if (d.BlockEnd is { } end) w.Line(end);
                break;
            case 4:
                string i = d.Variable(((char)('i' + depth)).ToString());
                w.Line(d.CountedLoop(i, r.Chance(0.5) ? r.Pick(scope) : r.Between(2, 100).ToString(System.Globalization.CultureInfo.InvariantCulture)));
                var inner = new List<string>(scope) { i };
                Block(d, r, w, inner, depth, r.Between(1, 2));
                if (d.BlockEnd is { } loopEnd) w.Line(loopEnd);
                break;
            case 5:
                string v = r.Pick(scope);
                w.Line(d.While($"{v} > {r.Between(0, 10)}"));
                w.Depth++;
                if (r.Chance(0.5)) Statement(d, r, w, new List<string>(scope), depth + 1, 6);
                w.Line(d.Assign(v, $"{v} {d.IntegerDivide} {r.Between(2, 4)}"));
                w.Depth--;
                if (d.BlockEnd is { } whileEnd) w.Line(whileEnd);
                break;
            case 6:
                string p = r.Pick(scope);
                w.Line(r.Chance(0.5) ? d.Print(p) : d.PrintLabelled(p.TrimStart('$'), p));
                break;
            default:
                if (r.Chance(0.5)) w.Line($"{d.Comment} {r.Pick(CodeVocabulary.Comments)}");
                else
                {
                    string label;
                    do label = d.Variable(d.Name(["label", .. CodeVocabulary.VariableParts(r)[..1]])); while (scope.Contains(label));
                    w.Line(d.DeclareText(label, $"{r.Pick(CodeVocabulary.Nouns)} {r.Pick(CodeVocabulary.Nouns)}"));
                }
                break;
        }
    }

    /// <summary>The statements of an if/else or loop body; a brace language closes an else block itself.</summary>
    static void Block(CodeDialect d, SplitMix64 r, CodeWriter w, List<string> scope, int depth, int statements, bool closeOnly = false)
    {
        w.Depth++;
        var inner = new List<string>(scope);
        for (int s = 0; s < statements; s++) Statement(d, r, w, inner, depth + 1, r.Between(1, 6));
        w.Depth--;
        if (closeOnly && d.BlockEnd is { } end) w.Line(end);
    }

    static string Expression(CodeDialect d, SplitMix64 r, List<string> scope)
    {
        string Operand() => scope.Count > 0 && r.Chance(0.7) ? r.Pick(scope) : r.Between(0, 255).ToString(System.Globalization.CultureInfo.InvariantCulture);
        string Op() => r.Pick(["+", "-", "*", "+", d.IntegerDivide, "%"]);
        string Pair()
        {
            string left = Operand(), right = Operand();
            if (right == left) right = r.Between(1, 64).ToString(System.Globalization.CultureInfo.InvariantCulture);   // not "x % x"
            return $"{left} {Op()} {right}";
        }
        return r.NextInt(4) switch
        {
            0 => Operand(),
            1 => Pair(),
            2 => $"({Pair()}) {Op()} {Operand()}",
            _ => $"{Operand()} {Op()} {r.Between(1, 16)}",
        };
    }

    static string Condition(CodeDialect d, SplitMix64 r, List<string> scope)
    {
        string v = r.Pick(scope);
        string cond = r.NextInt(4) switch
        {
            0 => $"{v} > {r.Between(0, 100)}",
            1 => $"{v} % 2 == 0",
            2 => scope.Count > 1 ? $"{v} < {r.Pick(scope.Where(s => s != v).ToList())}" : $"{v} < {r.Between(1, 100)}",
            _ => $"{v} == {r.Between(0, 10)}",
        };
        return r.Chance(0.2) ? $"{cond} {d.And} {r.Pick(scope)} != 0" : cond;
    }
}
