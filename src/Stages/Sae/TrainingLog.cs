using System.Globalization;

namespace SaePipeline.Sae;

/// <summary><c>training_log.csv</c>: one row per logged step, readable by pandas and spreadsheets.</summary>
public sealed class TrainingLog : IDisposable
{
    public const string FileName = "training_log.csv";
    readonly StreamWriter writer;

    public TrainingLog(string dir)
    {
        writer = new StreamWriter(Path.Combine(dir, FileName));
        writer.WriteLine("step,tokens,loss,mse,l1,l0,explained_variance,dead_latents,lr,l1_coefficient,seconds");
    }

    public void Write(StepStats s, long tokens, double seconds)
    {
        static string F(double v) => v.ToString("G7", CultureInfo.InvariantCulture);
        writer.WriteLine(string.Join(',', s.Step.ToString(CultureInfo.InvariantCulture), tokens.ToString(CultureInfo.InvariantCulture),
            F(s.Loss), F(s.Mse), F(s.L1), F(s.L0), F(s.ExplainedVariance), s.DeadLatents.ToString(CultureInfo.InvariantCulture),
            F(s.Lr), F(s.L1Coefficient), seconds.ToString("F2", CultureInfo.InvariantCulture)));
        writer.Flush();
    }

    public void Dispose() => writer.Dispose();
}
