namespace SaePipeline.Contracts;

/// <summary>
/// The bookkeeping folders of an artifacts root, beside the stage folders (models/, saes/, evals/…): where the plan
/// writes its specs and its item list, where the build records what ran, where training keeps its checkpoints.
/// Both the MSBuild tasks and the stage program name them through here.
/// </summary>
public static class ArtifactLayout
{
    /// <summary><c>.specs/&lt;Stage&gt;/&lt;id&gt;.json</c>: one stage item's spec, rewritten only when its content changes.</summary>
    public static string SpecFile(string root, string stage, string id) => Path.Combine(root, ".specs", stage, $"{id}.json");

    /// <summary>The folder of one stage's specs.</summary>
    public static string SpecFolder(string root, string stage) => Path.Combine(root, ".specs", stage);

    /// <summary><c>.plan/plan.json</c>: the items of the last plan (<see cref="PlanFile"/>), which the MSBuild plan task reads.</summary>
    public static string PlanFile(string root) => Path.Combine(root, ".plan", "plan.json");

    /// <summary>
    /// <c>.build/ran.log</c>: one line per item the build ran, appended by the task that ran it and consumed by the
    /// Report stage, which turns it into the notes.txt entry.
    /// </summary>
    public static string RanLog(string root) => Path.Combine(root, ".build", "ran.log");

    /// <summary><c>.checkpoints/&lt;Stage&gt;/&lt;id&gt;/</c>: the state of an unfinished item, for resuming; removed when it finishes.</summary>
    public static string CheckpointFolder(string root, string stage, string id) => Path.Combine(root, ".checkpoints", stage, id);

    public static string CheckpointsOf(string root, string stage) => Path.Combine(root, ".checkpoints", stage);
}
