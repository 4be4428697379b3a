namespace SaePipeline.Runtime;

/// <summary>
/// A params property holding a path of this clone (a checkpoint folder, a data file, an imported SAE), always beside a
/// content fingerprint of what it names. An item's fingerprint takes only the path's last name
/// (<see cref="Json.ToFingerprintNode{T}"/>): the content fingerprint says what the files hold, so a clone that keeps
/// them elsewhere, or a folder moved, plans the same ids and shares the result cache. The stage still reads the full path.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class LocalPathAttribute : Attribute;
