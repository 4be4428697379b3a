using SaePipeline.Config;

namespace SaePipeline.Tests;

/// <summary>pipeline.yaml's <c>slurm:</c> section: sbatch options per stage, checked where they are written.</summary>
public sealed class SlurmConfigTests
{
    const string Valid = """
        name: t
        synthetic:
          n_features: 32
          d_in: 16
        saes:
          - name: a
            d_sae: 64
        """;

    static PipelineConfig Load(string yaml)
    {
        using var dir = new TempDir();
        return PipelineConfigLoader.Load(dir.File("pipeline.yaml", yaml)).Config;
    }

    [Fact]
    public void TheSectionsStagesAreTheStageTables() =>
        Assert.Equal(StageTable.All.Select(s => s.Target).Order(), SlurmConfig.StageTargets.Order());

    [Fact]
    public void AStageTakesItsOwnOptionsAndTheSectionsForTheRest()
    {
        var slurm = Load(Valid + """

            slurm:
              partition: cpu
              account: sae-lab
              time: "01:00:00"
              extra_args: ["--exclusive"]
              stages:
                TrainSae: {partition: gpu, gres: "gpu:1", time: "1-00:00:00", extra_args: ["--signal=USR1@60"]}
            """).Slurm!;
        Assert.Equal(["--partition=gpu", "--account=sae-lab", "--time=1-00:00:00", "--gres=gpu:1", "--exclusive", "--signal=USR1@60"],
                     slurm.For("TrainSae").SbatchArguments());
        Assert.Equal(["--partition=cpu", "--account=sae-lab", "--time=01:00:00", "--exclusive"], slurm.For("EvaluateCore").SbatchArguments());
    }

    [Theory]
    [InlineData("  stages:\n    TrainSAE: {gres: \"gpu:1\"}", 10, "slurm.stages", "'TrainSAE' is not a stage; the stages are PrepareModel, CacheActivations")]
    [InlineData("  time: 2 hours", 9, "slurm.time", "a Slurm time limit")]
    [InlineData("  mem: 16GB", 9, "slurm.mem", "a Slurm memory size")]
    [InlineData("  cpus_per_task: 0", 9, "slurm.cpus_per_task", "")]
    [InlineData("  partitoin: gpu", 9, "slurm.partitoin", "")]
    public void AMistakeIsNamedAtItsLine(string section, int line, string key, string message)
    {
        using var dir = new TempDir();
        string path = dir.File("pipeline.yaml", Valid + "\nslurm:\n" + section + "\n");
        var error = Assert.Single(Assert.Throws<ConfigException>(() => PipelineConfigLoader.Load(path)).Errors);
        Assert.Equal(line, error.Location.Line);
        Assert.Equal(key, error.KeyPath);
        Assert.Contains(message, error.Message);
    }
}
