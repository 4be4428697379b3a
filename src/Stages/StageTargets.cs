using System.Text;
using SaePipeline.Contracts;
using SaePipeline.Runtime;

namespace SaePipeline;

/// <summary>
/// Writes build/Stages.targets, the MSBuild side of <see cref="StageTable"/>: per stage a public target (what
/// <c>dotnet build -t:TrainSae</c> runs) that depends on the stages it reads, and a private target batched over the
/// stage's items with Inputs = the item's spec and upstream manifests and Outputs = its manifest, so MSBuild runs
/// exactly the items that are out of date. The file is generated so that a stage is declared once; a test fails
/// when it differs from what the table gives.
/// </summary>
public static class StageTargets
{
    public static string Generate()
    {
        var x = new StringBuilder();
        x.Append("""
            <Project>
              <!--
                GENERATED from src/Stages/StageTable.cs by the stage program's msbuild-targets command (src/Stages/StageTargets.cs);
                do not edit. Imported by build/Pipeline.targets, which defines _PipelinePlan, RunStage and the properties used here.

                Each stage: a public target that depends on the stages it reads and on its private _<Stage>Items target, then
                prints "stage <Target> <id>: up to date" for the items MSBuild skipped (RunStage prints "ran in" for the others,
                or the stage program "from cache" for those it fetched from -p:Cache).
                _<Stage>Items is batched per item (%(…Manifest) differs per item) and skipped when the manifest is newer than
                every input. Task outputs are not inferred for skipped batches, so _StageRan holds only what really ran.
                With -p:Jobs=N (N > 1) the public target instead runs _<Stage>Parallel: RunStages takes the items of the
                stage and of every stage it reads, and runs each, up to N at a time, once what it reads is done; so does
                -p:Executor=slurm, with one batch job per item.
              -->

              <!-- The plan's items, by stage. -->
              <Target Name="_PipelineItemsByStage" DependsOnTargets="_PipelinePlan">
                <ItemGroup>

            """);
        foreach (var s in StageTable.All)
            x.Append($"      <_{s.Target}Item Include=\"@(_PipelineItem)\" Condition=\"'%(Stage)' == '{s.Target}'\" />\n");
        x.Append("""
                </ItemGroup>
              </Target>

              <PropertyGroup>
                <!-- The stages no other stage reads: what -t:Experiment runs (with everything they read). -->

            """);
        var sinks = StageTable.All.Where(s => !StageTable.All.Any(o => o.Reads.Contains(s)));
        x.Append($"    <_PipelineFinalStages>{string.Join(";", sinks.Select(s => s.Target))}</_PipelineFinalStages>\n");
        x.Append("  </PropertyGroup>\n");
        string upToDate = StageProcess.UpToDateLine("%(_UpToDate.Stage)", "%(_UpToDate.Id)");
        string notRecorded = string.Join(";", StageTable.All.Where(k => k.SummarisesBuild).Select(k => k.Target));
        foreach (var s in StageTable.All)
        {
            string reads = string.Join(";", s.Reads.Select(r => r.Target).Prepend("_PipelineItemsByStage"));
            string closure = string.Join(" or ", Closure(s).Select(k => $"'%(Stage)' == '{k.Target}'"));
            x.Append($"""

                  <!-- {s.Target}: {Xml(s.Summary)}. -->
                  <PropertyGroup>
                    <_{s.Target}DependsOn Condition="'$(_PipelineParallel)' != 'true'">{reads};_{s.Target}Items</_{s.Target}DependsOn>
                    <_{s.Target}DependsOn Condition="'$(_PipelineParallel)' == 'true'">_PipelineItemsByStage;_{s.Target}Parallel</_{s.Target}DependsOn>
                  </PropertyGroup>
                  <Target Name="{s.Target}" DependsOnTargets="$(_{s.Target}DependsOn)">
                    <ItemGroup Condition="'$(_PipelineParallel)' != 'true'">
                      <_UpToDate Remove="@(_UpToDate)" />
                      <_UpToDate Include="@(_{s.Target}Item)" Exclude="@(_StageRan);@(_StageFromCache)" />
                    </ItemGroup>
                    <Message Importance="high" Text="{upToDate}" Condition="'$(_PipelineParallel)' != 'true' and '@(_UpToDate)' != ''" />
                  </Target>
                  <Target Name="_{s.Target}Items" DependsOnTargets="{reads}"
                          Inputs="%(_{s.Target}Item.Inputs)" Outputs="%(_{s.Target}Item.Manifest)">
                    <RunStage StageProgram="$(StageProgram)" Item="@(_{s.Target}Item)" Artifacts="$(_ArtifactsDir)" RecordRun="{(s.SummarisesBuild ? "false" : "true")}" Cache="$(_PipelineCache)">
                      <Output TaskParameter="Ran" ItemName="_StageRan" />
                      <Output TaskParameter="FromCache" ItemName="_StageFromCache" />
                    </RunStage>
                  </Target>
                  <Target Name="_{s.Target}Parallel" DependsOnTargets="_PipelineItemsByStage">
                    <ItemGroup>
                      <_ParallelItem Remove="@(_ParallelItem)" />
                      <_ParallelItem Include="@(_PipelineItem)" Condition="{closure}" />
                    </ItemGroup>
                    <RunStages StageProgram="$(StageProgram)" Items="@(_ParallelItem)" Artifacts="$(_ArtifactsDir)" Jobs="$(Jobs)" Devices="$(Devices)" NotRecorded="{notRecorded}"
                                 Cache="$(_PipelineCache)" Executor="$(Executor)">
                      <Output TaskParameter="Ran" ItemName="_StageRan" />
                      <Output TaskParameter="FromCache" ItemName="_StageFromCache" />
                    </RunStages>
                  </Target>

                """);
        }
        x.Append("</Project>\n");
        return x.ToString();
    }

    /// <summary>A stage and every stage it reads, directly or not: what its parallel target runs.</summary>
    static IEnumerable<StageKind> Closure(StageKind s) =>
        StageTable.All.Where(k => k == s || Reaches(s, k));

    static bool Reaches(StageKind from, StageKind to) => from.Reads.Any(r => r == to || Reaches(r, to));

    /// <summary>Text inside an XML comment: anything but "--".</summary>
    static string Xml(string text) => text.Replace("--", "–", StringComparison.Ordinal);

    /// <summary><c>stages msbuild-targets &lt;file&gt;</c>: (re)writes the targets file.</summary>
    public static int WriteCommand(CommandLine cl)
    {
        if (cl.Positional.Count != 1) throw new PipelineException("usage: stages msbuild-targets <file> (build/Stages.targets)", "stages");
        AtomicFile.WriteAllText(Path.GetFullPath(cl.Positional[0]), Generate());
        Console.WriteLine($"wrote {cl.Positional[0]} ({StageTable.All.Count} stages)");
        return 0;
    }
}
