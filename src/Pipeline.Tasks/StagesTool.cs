using System.Text.RegularExpressions;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using SaePipeline.Contracts;

namespace SaePipeline.Tasks;

/// <summary>
/// Runs the stage program (<c>dotnet stages.dll …</c>) as a child process, so native memory, GPU memory and file
/// locks die with it, and streams its output into the build log. Lines in MSBuild's canonical
/// <c>origin: error CODE: text</c> form become real errors and warnings (with file, line and column).
/// </summary>
public abstract partial class StagesTool : ToolTask
{
    /// <summary>Path of stages.dll.</summary>
    [Required] public string StageProgram { get; set; } = "";

    protected override string ToolName => "dotnet";

    protected override MessageImportance StandardOutputLoggingImportance => MessageImportance.High;
    protected override MessageImportance StandardErrorLoggingImportance => MessageImportance.High;

    protected override string GenerateFullPathToTool() => DotnetHost();

    /// <summary>The dotnet host running this build (the CLI sets DOTNET_HOST_PATH), else the one on PATH.</summary>
    internal static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)) return host;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            string candidate = Path.Combine(dir, "dotnet");
            if (File.Exists(candidate)) return candidate;
        }
        return "dotnet";
    }

    public override bool Execute()
    {
        if (Environment.GetEnvironmentVariable("GLIBC_TUNABLES") is null)
            EnvironmentVariables = [.. EnvironmentVariables ?? [], $"GLIBC_TUNABLES={StageProcess.GlibcTunables}"];
        return base.Execute();
    }

    [GeneratedRegex(@"^.*: (error|warning) [A-Z]+\d+: ")]
    private static partial Regex Canonical();

    /// <summary>Whether a line is an MSBuild canonical error or warning (file(line,col): error CODE: text).</summary>
    internal static bool IsCanonical(string line) => Canonical().IsMatch(line);

    protected override void LogEventsFromTextOutput(string singleLine, MessageImportance messageImportance)
    {
        if (IsCanonical(singleLine)) Log.LogMessageFromText(singleLine, messageImportance);
        else Log.LogMessage(messageImportance, Label(singleLine));
    }

    /// <summary>How a plain output line is shown; stage runs prefix lines that do not say which item they are about.</summary>
    protected virtual string Label(string line) => line;
}
