namespace SaePipeline.Data.Builtin;

/// <summary>
/// One of bias_in_bios' 28 professions: its label code in SAEBench's order, the title the biography's removed first
/// sentence would have named, and its share of all bios and rate of female subjects in the real data set (De-Arteaga
/// et al. 2019, "Bias in Bios", table of occupations; rounded).
/// </summary>
public sealed record BiosProfession(int Code, string Name, string Title, double SharePercent, double FemalePercent)
{
    public static readonly IReadOnlyList<BiosProfession> All =
    [
        new(0, "accountant", "accountant", 1.4, 37),
        new(1, "architect", "architect", 2.5, 24),
        new(2, "attorney", "attorney", 8.2, 38),
        new(3, "chiropractor", "chiropractor", 0.7, 27),
        new(4, "comedian", "comedian", 0.7, 21),
        new(5, "composer", "composer", 1.4, 16),
        new(6, "dentist", "dentist", 3.7, 35),
        new(7, "dietitian", "dietitian", 1.0, 93),
        new(8, "dj", "dj", 0.4, 14),
        new(9, "filmmaker", "filmmaker", 1.8, 33),
        new(10, "interior_designer", "interior designer", 0.4, 81),
        new(11, "journalist", "journalist", 5.1, 50),
        new(12, "model", "model", 1.9, 83),
        new(13, "nurse", "nurse", 4.9, 91),
        new(14, "painter", "painter", 2.0, 46),
        new(15, "paralegal", "paralegal", 0.4, 85),
        new(16, "pastor", "pastor", 0.6, 24),
        new(17, "personal_trainer", "personal trainer", 0.4, 46),
        new(18, "photographer", "photographer", 6.2, 35),
        new(19, "physician", "physician", 10.0, 49),
        new(20, "poet", "poet", 1.8, 49),
        new(21, "professor", "professor", 29.8, 45),
        new(22, "psychologist", "psychologist", 4.6, 62),
        new(23, "rapper", "rapper", 0.4, 10),
        new(24, "software_engineer", "software engineer", 1.7, 16),
        new(25, "surgeon", "surgeon", 3.4, 15),
        new(26, "teacher", "teacher", 4.1, 60),
        new(27, "yoga_teacher", "yoga teacher", 0.4, 85),
    ];

    /// <summary>Shares normalised to sum to 1 (the rounded percentages sum to 99.9).</summary>
    public static double[] Shares()
    {
        double total = All.Sum(p => p.SharePercent);
        return All.Select(p => p.SharePercent / total).ToArray();
    }
}
