using SaePipeline.Config;

namespace SaePipeline.Models.Prepare;

/// <summary>What PrepareModel reads from its spec. The folder fingerprint is part of it, so a changed folder reruns the item.</summary>
public sealed record PrepareModelParams
{
    /// <summary>The checkpoint folder, absolute.</summary>
    public required string Source { get; init; }

    /// <summary><see cref="ModelFolder.Fingerprint"/> of the folder when the plan was made.</summary>
    public required string FolderFingerprint { get; init; }

    public required ModelDtype Dtype { get; init; }
}
