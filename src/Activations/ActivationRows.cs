namespace SaePipeline.Activations;

/// <summary>A block of rows in memory: columns as flat arrays, activations row-major [rows × d_in].</summary>
public sealed class ActivationRows(int capacity, int dIn, int labelCount)
{
    public int Count { get; set; }
    public int DIn { get; } = dIn;
    public long[] Doc { get; } = new long[capacity];
    public int[] Pos { get; } = new int[capacity];
    public int[] Token { get; } = new int[capacity];
    public int[][] Labels { get; } = Enumerable.Range(0, labelCount).Select(_ => new int[capacity]).ToArray();
    public float[] Acts { get; } = new float[(long)capacity * dIn];
    public int Capacity => Doc.Length;
}
