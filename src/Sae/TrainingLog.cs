using System.Globalization;
using System.Text;

namespace SaePipeline.Sae;

/// <summary>
/// <c>training_log.csv</c>: one row per logged step, readable by pandas and spreadsheets. The same columns for every
/// architecture: sparsity_loss is the weighted L1 or L0 term (0 for TopK), aux_loss the AuxK or Gated auxiliary term.
/// A resumed run starts from the rows its checkpoint carried.
/// </summary>
public sealed class TrainingLog : IDisposable
{
    public const string FileName = "training_log.csv";
    const string Header = "step,tokens,loss,mse,sparsity_loss,aux_loss,l0,explained_variance,dead_latents,lr,sparsity_coefficient,seconds";
    readonly StreamWriter writer;
    readonly StringBuilder text = new();
    readonly IReadOnlyList<string> extra;

    /// <param name="extraColumns">A research objective's columns after the common ones; a step without a value leaves its cell empty.</param>
    public TrainingLog(string dir, string? previous = null, IReadOnlyList<string>? extraColumns = null)
    {
        extra = extraColumns ?? [];
        writer = new StreamWriter(Path.Combine(dir, FileName));
        if (string.IsNullOrEmpty(previous)) Append(string.Join(',', extra.Prepend(Header)));
        else
        {
            text.Append(previous);
            writer.Write(previous);
            writer.Flush();
        }
    }

    /// <summary>Everything written so far (a checkpoint stores it).</summary>
    public string Text => text.ToString();

    public void Write(StepStats s, long tokens, double seconds)
    {
        static string F(double v) => v.ToString("G7", CultureInfo.InvariantCulture);
        Append(string.Join(',', s.Step.ToString(CultureInfo.InvariantCulture), tokens.ToString(CultureInfo.InvariantCulture),
            F(s.Loss), F(s.Mse), F(s.SparsityLoss), F(s.AuxLoss), F(s.L0), F(s.ExplainedVariance), s.DeadLatents.ToString(CultureInfo.InvariantCulture),
            F(s.Lr), F(s.SparsityCoefficient), seconds.ToString("F2", CultureInfo.InvariantCulture))
            + string.Concat(extra.Select(c => "," + (s.Terms?.TryGetValue(c, out double v) == true ? F(v) : ""))));
    }

    void Append(string line)
    {
        text.Append(line).Append('\n');
        writer.Write(line);
        writer.Write('\n');
        writer.Flush();
    }

    public void Dispose() => writer.Dispose();
}
