using System.Text;

namespace SaePipeline.Data.Builtin;

/// <summary>Lines of source with an indentation level, counting lines as it goes.</summary>
public sealed class CodeWriter(string indentUnit)
{
    readonly StringBuilder text = new(1024);

    public int Depth { get; set; }

    public int Lines { get; private set; }

    public CodeWriter Line(string line = "")
    {
        if (line.Length > 0) for (int i = 0; i < Depth; i++) text.Append(indentUnit);
        text.Append(line).Append('\n');
        Lines++;
        return this;
    }

    /// <summary>An empty line, unless the file is empty so far or already ends in one.</summary>
    public CodeWriter Gap()
    {
        if (text.Length > 0 && !(text.Length >= 2 && text[^1] == '\n' && text[^2] == '\n')) Line();
        return this;
    }

    public override string ToString() => text.ToString();
}
