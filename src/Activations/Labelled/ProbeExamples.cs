namespace SaePipeline.Activations.Labelled;

/// <summary>A probe's examples: rows of a pooled split with labels 1 (the positive class) and 0.</summary>
public sealed record ProbeExamples(int[] Rows, float[] Labels)
{
    public int Count => Rows.Length;
}
