using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace SaePipeline.Config;

/// <summary>
/// Limits a pipeline file must stay within, checked on YamlDotNet's event stream before any node tree is built.
/// A node tree is built recursively (100,000 nested '[' overflowed the stack) and aliases share nodes, so a few lines
/// of anchors can stand for 10⁹ nodes that hashing a mapping key or binding then walks ("billion laughs"). The
/// event parser keeps its own stack and never expands an alias, so it measures both without paying for them.
/// The limits are far above any real experiment: the largest sweep file we know of has depth 6 and 2,000 nodes.
/// </summary>
static class YamlLimits
{
    public const long MaxFileBytes = 4 << 20;
    public const int MaxDepth = 64;
    /// <summary>Nodes counted with every alias replaced by what it stands for.</summary>
    public const long MaxExpandedNodes = 1_000_000;

    public static ConfigError? FileTooLarge(string fullPath, string shown)
    {
        long bytes = new FileInfo(fullPath).Length;
        return bytes <= MaxFileBytes ? null
            : new ConfigError(new ConfigLocation(shown, 0, 0), "", ConfigCodes.Syntax,
                $"the file has {bytes:N0} bytes; a pipeline file may have at most {MaxFileBytes:N0} (4 MiB). Generate long sweeps with sweep: instead of writing every entry");
    }

    /// <summary>The first limit the text breaks, or null. A YAML syntax error is left to the loader to report.</summary>
    public static ConfigError? Check(string text, string file)
    {
        var parser = new Parser(new StringReader(text));
        var anchorSizes = new Dictionary<string, long>();
        var open = new Stack<(string? Anchor, long NodesBefore)>();
        long nodes = 0;
        while (parser.MoveNext())
        {
            var e = parser.Current!;
            ConfigLocation At() => new(file, (int)e.Start.Line, (int)e.Start.Column);
            switch (e)
            {
                case AnchorAlias alias:
                    // An alias to an anchor still open (a recursive structure) has no finite expansion.
                    if (open.Any(o => o.Anchor == alias.Value.Value))
                        return new ConfigError(At(), "", ConfigCodes.Syntax, $"the alias *{alias.Value.Value} refers to a node that contains it; pipeline files cannot be recursive");
                    if (!anchorSizes.TryGetValue(alias.Value.Value, out long size))   // YamlDotNet would report it at (1,1)
                        return new ConfigError(At(), "", ConfigCodes.Syntax, $"the alias *{alias.Value.Value} refers to no anchor &{alias.Value.Value} defined before it");
                    nodes += size;
                    break;
                case Scalar scalar:
                    nodes++;
                    if (!scalar.Anchor.IsEmpty) anchorSizes[scalar.Anchor.Value] = 1;
                    break;
                case NodeEvent start and (SequenceStart or MappingStart):
                    nodes++;
                    open.Push((start.Anchor.IsEmpty ? null : start.Anchor.Value, nodes));
                    if (open.Count > MaxDepth)
                        return new ConfigError(At(), "", ConfigCodes.Syntax, $"lists and mappings are nested more than {MaxDepth} deep here");
                    break;
                case SequenceEnd or MappingEnd:
                    var (anchor, before) = open.Pop();
                    if (anchor is not null) anchorSizes[anchor] = nodes - before + 1;
                    break;
            }
            if (nodes > MaxExpandedNodes)
                return new ConfigError(At(), "", ConfigCodes.Syntax,
                    $"with its aliases (*name) expanded the file has more than {MaxExpandedNodes:N0} nodes; a pipeline file this large is almost surely an alias bomb, so it is refused");
        }
        return null;
    }
}
