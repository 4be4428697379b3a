using System.Text;

namespace SaePipeline.Plan;

/// <summary>The plan as text: an indented tree from the sources down (like `dvc dag`), or Graphviz dot.</summary>
public static class DagPrinter
{
    /// <summary>
    /// Each item is drawn under its one direct input after a transitive reduction (an evaluation reads the cache too,
    /// but through its SAE); an item with several direct inputs, like the report, starts its own line and names them.
    /// </summary>
    public static string Text(PipelinePlan plan, IReadOnlyList<ItemStatus>? statuses = null)
    {
        var direct = plan.Items.ToDictionary(i => i, i => DirectInputs(i));
        var children = plan.Items.ToDictionary(i => i, _ => new List<PlanItem>());
        foreach (var item in plan.Items)
            if (direct[item].Count == 1) children[direct[item][0]].Add(item);
        var willRun = statuses?.ToDictionary(s => s.Item, s => s.WillRun);
        var text = new StringBuilder();

        void Visit(PlanItem item, string indent, string branch, string childIndent)
        {
            string mark = willRun is null ? "" : willRun[item] ? " [will run]" : " [up to date]";
            string from = direct[item].Count > 1 ? $" ← {string.Join(", ", direct[item])}" : "";
            text.Append(indent).Append(branch).Append(item).Append(mark).Append(from).Append('\n');
            var kids = children[item];
            for (int i = 0; i < kids.Count; i++)
            {
                bool last = i == kids.Count - 1;
                Visit(kids[i], childIndent, last ? "└─ " : "├─ ", childIndent + (last ? "   " : "│  "));
            }
        }

        foreach (var top in plan.Items.Where(i => direct[i].Count != 1)) Visit(top, "", "", "");
        return text.ToString();
    }

    static List<PlanItem> DirectInputs(PlanItem item)
    {
        var inputs = item.Inputs.Values.Distinct().ToList();
        return inputs.Where(i => !inputs.Any(other => other != i && Reaches(other, i))).ToList();
    }

    static bool Reaches(PlanItem from, PlanItem target) =>
        from.Inputs.Values.Any(i => i == target || Reaches(i, target));

    public static string Dot(PipelinePlan plan)
    {
        var text = new StringBuilder("digraph pipeline {\n  rankdir=TB;\n  node [shape=box, fontname=\"monospace\"];\n");
        foreach (var item in plan.Items)
            text.Append($"  \"{item.Id}\" [label=\"{item.Kind.Target}\\n{item.Id}\"];\n");
        foreach (var item in plan.Items)
            foreach (var (role, input) in item.Inputs)
                text.Append($"  \"{input.Id}\" -> \"{item.Id}\" [label=\"{role.Name}\"];\n");
        return text.Append("}\n").ToString();
    }
}
