using SaePipeline.Config;
using SaePipeline.Runtime;

namespace SaePipeline.Models.Prepare;

/// <summary>
/// What PrepareModel reads from its spec: a checkpoint folder with its fingerprint (so a changed folder reruns the
/// item), or a built-in preset with its seed (so a changed preset or seed retrains it).
/// </summary>
public sealed record PrepareModelParams
{
    /// <summary>The checkpoint folder, absolute; null for a built-in model. Fingerprinted by its name and <see cref="FolderFingerprint"/>.</summary>
    [Runtime.LocalPath]
    public string? Source { get; init; }

    /// <summary><see cref="ContentFingerprint.Folder"/> of the folder when the plan was made.</summary>
    public string? FolderFingerprint { get; init; }

    /// <summary>The built-in preset to pretrain, in full; null for a checkpoint folder.</summary>
    public BuiltinModelSpec? Builtin { get; init; }

    public long? Seed { get; init; }

    public required ModelDtype Dtype { get; init; }

    /// <summary>Where a built-in model trains.</summary>
    public DeviceChoice Device { get; init; } = DeviceChoice.Auto;
}
