using SaePipeline.Runtime;

namespace SaePipeline.Data.Builtin;

/// <summary>
/// Source files shaped like codeparrot/github-code rows, labelled by language ("C", "Python", "HTML", "Java", "PHP",
/// equal shares): 10–40 lines with real newlines and indentation, random identifiers, literals and comments.
/// </summary>
public sealed class GithubCodeGenerator : ITextGenerator
{
    public static readonly IReadOnlyList<string> Languages = ["C", "Python", "HTML", "Java", "PHP"];

    public DatasetKind Kind => DatasetKind.GithubCode;

    public string Name => "github_code";

    public GeneratedRow Generate(long index, long seed, string split) => Generate(DocumentRandom.For(seed, Name, split, index));

    internal GeneratedRow Generate(SplitMix64 random)
    {
        string language = Languages[random.NextInt(Languages.Count)];
        string code = language switch
        {
            "C" => ProgramSketch.Write(CodeDialect.C, random),
            "Python" => ProgramSketch.Write(CodeDialect.Python, random),
            "Java" => ProgramSketch.Write(CodeDialect.Java, random),
            "PHP" => ProgramSketch.Write(CodeDialect.Php, random),
            _ => HtmlPage.Write(random),
        };
        return new GeneratedRow(code, [language]);
    }
}
