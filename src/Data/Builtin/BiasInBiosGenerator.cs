using System.Globalization;
using SaePipeline.Runtime;

namespace SaePipeline.Data.Builtin;

/// <summary>
/// Biographies shaped like LabHC/bias_in_bios <c>hard_text</c>: profession drawn with the real data set's shares,
/// gender with that profession's female rate (or rates rescaled to a requested Cramér's V, see
/// <see cref="BiosSettings"/>), then 40–140 words of sentences from the profession's vocabulary. Gender shows in
/// pronouns, first names and titles; the profession in duties, workplaces, credentials and associations.
/// </summary>
public sealed class BiasInBiosGenerator : ITextGenerator
{
    // Professions whose members are commonly called "Dr." in their bios.
    static readonly HashSet<string> Doctors = ["chiropractor", "dentist", "physician", "psychologist", "surgeon", "professor"];
    static readonly IReadOnlyList<string>[] PronounBindings = [WordPools.Pronouns(female: false), WordPools.Pronouns(female: true)];

    readonly Grammar[] grammars;
    readonly WeightedChoice professions;
    readonly double[] femaleRates;
    readonly double titleMentionRate;

    public BiasInBiosGenerator(BiosSettings? settings = null)
    {
        settings ??= new BiosSettings();
        if (settings.TitleMentionRate is < 0 or > 1) throw new PipelineException($"bias_in_bios: TitleMentionRate {settings.TitleMentionRate} is not a probability");
        titleMentionRate = settings.TitleMentionRate;
        femaleRates = BiosGenderRates.For(settings.GenderProfessionCorrelation);
        professions = new WeightedChoice(BiosProfession.Shares());
        grammars = BiosProfession.All
            .Select(p => new Grammar(BiosFrames.Variables, CommonRules.Rules, BiosFrames.Rules, BiosVocabulary.For(p)))
            .ToArray();
    }

    public DatasetKind Kind => DatasetKind.BiasInBios;

    public string Name => "bias_in_bios";

    /// <summary>P(female | profession), indexed by profession code.</summary>
    public IReadOnlyList<double> FemaleRates => femaleRates;

    /// <summary>P(profession), indexed by profession code.</summary>
    public IReadOnlyList<double> ProfessionShares => Enumerable.Range(0, professions.Count).Select(professions.Probability).ToArray();

    public GeneratedRow Generate(long index, long seed, string split) => Generate(DocumentRandom.For(seed, Name, split, index));

    internal GeneratedRow Generate(SplitMix64 random)
    {
        int code = professions.Sample(random);
        bool female = random.Chance(femaleRates[code]);
        var profession = BiosProfession.All[code];
        var grammar = grammars[code];
        var bindings = new List<string>(PronounBindings[female ? 1 : 0]) { SubjectName(random, profession, female) };

        var kinds = BiosFrames.ProfessionalSentences.ToArray();
        random.Shuffle(kinds);
        int targetWords = random.Between(40, 120), titleAt = random.Chance(titleMentionRate) ? random.NextInt(3) : -1;
        var bio = new Paragraph(1024);
        for (int k = 0; bio.Words < targetWords && k < 40; k++)
        {
            if (bio.Sentences == titleAt) bio.Add(grammar, "s_title", random, bindings);
            bio.Add(grammar, k < kinds.Length ? kinds[k] : random.Chance(0.5) ? "s_duty" : "s_extra", random, bindings);
        }
        if (bio.Sentences <= titleAt) bio.Add(grammar, "s_title", random, bindings);
        string text = bio.ToString();
        if (random.Chance(0.4) || !MentionsPronoun(text, female))
        {
            bio.Add(grammar, "s_personal", random, bindings);
            text = bio.ToString();
        }
        return new GeneratedRow(text, [Codes[code], female ? "1" : "0"]);
    }

    static readonly string[] Codes = Enumerable.Range(0, BiosProfession.All.Count).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();

    /// <summary>How the bio refers to its subject by name: first name, full name, or title and surname.</summary>
    static string SubjectName(SplitMix64 random, BiosProfession profession, bool female)
    {
        string first = random.Pick(female ? WordPools.FemaleFirstNames : WordPools.MaleFirstNames), surname = random.Pick(WordPools.Surnames);
        double u = random.NextDouble();
        if (u < 0.5) return first;
        if (u < 0.7) return $"{first} {surname}";
        if (Doctors.Contains(profession.Name) && random.Chance(0.7)) return $"Dr. {surname}";
        return $"{(female ? random.Chance(0.8) ? "Ms." : "Mrs." : "Mr.")} {surname}";
    }

    static bool MentionsPronoun(string s, bool female) =>
        female
            ? s.Contains("She ", StringComparison.Ordinal) || s.Contains(" she ", StringComparison.Ordinal) || s.Contains(" her ", StringComparison.Ordinal) || s.Contains("Her ", StringComparison.Ordinal)
            : s.Contains("He ", StringComparison.Ordinal) || s.Contains(" he ", StringComparison.Ordinal) || s.Contains(" his ", StringComparison.Ordinal) || s.Contains("His ", StringComparison.Ordinal) || s.Contains(" him", StringComparison.Ordinal);
}
