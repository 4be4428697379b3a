namespace SaePipeline.Runtime;

/// <summary>
/// An error the user can act on (bad input, a corrupt file, a diverging run). The stage program prints its message
/// as an MSBuild-style error line and exits with code 1, without a stack trace; anything else is a bug and keeps its trace.
/// </summary>
public class PipelineException(string message, string? origin = null, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>Where the problem is (a file path, or "file(line,col)"), shown before "error:".</summary>
    public string? Origin { get; } = origin;

    public string Code { get; init; } = "SAE0001";
}
