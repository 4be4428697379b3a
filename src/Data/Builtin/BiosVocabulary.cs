namespace SaePipeline.Data.Builtin;

/// <summary>
/// Per-profession grammar rules laid over <see cref="BiosFrames"/>: degree, school, place, focus, duty (a verb phrase
/// in the third person), extra (whole sentences), group, field and work_noun. The vocabulary avoids the profession's
/// title ("nurse", "poet"), as hard_text does because its first sentence, which names the title, is cut.
/// </summary>
public static partial class BiosVocabulary
{
    /// <summary>The rules of one profession by its bias_in_bios name, its title added as the "title" rule.</summary>
    public static IReadOnlyDictionary<string, string[]> For(BiosProfession profession)
    {
        var rules = Health.TryGetValue(profession.Name, out var r) ? r
            : Arts.TryGetValue(profession.Name, out r) ? r
            : Professional.TryGetValue(profession.Name, out r) ? r
            : throw new ArgumentException($"no vocabulary for profession '{profession.Name}'", nameof(profession));
        return new Dictionary<string, string[]>(rules) { ["title"] = [profession.Title] };
    }
}
