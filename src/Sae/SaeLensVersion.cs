using System.Globalization;
using System.Text.RegularExpressions;

namespace SaePipeline.Sae;

/// <summary>
/// A SAELens version string, compared as Python's <c>packaging.version.Version</c> compares them (PEP 440), as far as
/// telling cfg.json layouts apart needs: the release numbers, then a pre-release (a &lt; b &lt; rc), a post-release and a
/// dev-release. SAELens decides a config's layout by <c>Version(v) &lt; Version("6.0.0-rc.0")</c>
/// (docs/sae-training.md §2.1), so "6.0.0rc1" and "6.0.0" are v6 and "6.0.0b2" or "6.0.0.dev3" are not.
/// </summary>
public sealed partial record SaeLensVersion(IReadOnlyList<int> Release, int PreKind, int PreNumber, int Post, int Dev) : IComparable<SaeLensVersion>
{
    /// <summary>The first version whose cfg.json nests the model and data keys under <c>metadata</c>.</summary>
    public static SaeLensVersion FirstV6 { get; } = Parse("6.0.0-rc.0")!;

    // Pre-release kinds in PEP 440 order; FinalRelease sorts after every pre-release of the same release.
    const int Alpha = 0, Beta = 1, ReleaseCandidate = 2, FinalRelease = 3;
    const int NoPost = -1, NoDev = int.MaxValue;

    /// <summary>The version, or null when <paramref name="text"/> is not a PEP 440 version (packaging raises InvalidVersion there).</summary>
    public static SaeLensVersion? Parse(string text)
    {
        var m = Pep440().Match(text.Trim());
        if (!m.Success) return null;
        static int Number(Group g) => g.Success && g.Value.Length > 0 ? int.Parse(g.Value, CultureInfo.InvariantCulture) : 0;
        int preKind = m.Groups["pre"].Success
            ? m.Groups["pre"].Value.ToLowerInvariant() switch { "a" or "alpha" => Alpha, "b" or "beta" => Beta, _ => ReleaseCandidate }
            : FinalRelease;
        int post = m.Groups["post"].Success ? Number(m.Groups["postn"]) : NoPost;
        int dev = m.Groups["dev"].Success ? Number(m.Groups["devn"]) : NoDev;
        // A bare dev release (6.0.0.dev1) sorts before every pre-release of its release.
        if (dev != NoDev && preKind == FinalRelease && post == NoPost) preKind = -1;
        return new SaeLensVersion(m.Groups["release"].Value.Split('.').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray(),
                                  preKind, Number(m.Groups["pren"]), post, dev);
    }

    public int CompareTo(SaeLensVersion? other)
    {
        if (other is null) return 1;
        for (int i = 0; i < Math.Max(Release.Count, other.Release.Count); i++)
        {
            int c = (i < Release.Count ? Release[i] : 0).CompareTo(i < other.Release.Count ? other.Release[i] : 0);
            if (c != 0) return c;
        }
        int order = PreKind.CompareTo(other.PreKind);
        if (order == 0) order = PreNumber.CompareTo(other.PreNumber);
        if (order == 0) order = Post.CompareTo(other.Post);
        return order != 0 ? order : Dev.CompareTo(other.Dev);
    }

    public bool IsV6OrLater => CompareTo(FirstV6) >= 0;

    [GeneratedRegex(@"^v?(?<release>\d+(?:\.\d+)*)(?:[-_.]?(?<pre>alpha|beta|preview|pre|rc|a|b|c)[-_.]?(?<pren>\d*))?" +
                    @"(?:[-_.]?(?<post>post|rev|r)[-_.]?(?<postn>\d*))?(?:[-_.]?(?<dev>dev)[-_.]?(?<devn>\d*))?(?:\+[a-z0-9.]+)?$",
                    RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Pep440();
}
