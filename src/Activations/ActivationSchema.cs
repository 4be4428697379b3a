using Parquet.Schema;

namespace SaePipeline.Activations;

/// <summary>
/// The Parquet layout of an activation cache, one row per token (docs/formats.md): <c>doc</c> int64, <c>pos</c>
/// int32, <c>token</c> int32, optional int32 label columns, and <c>act</c>, the activation vector:
/// <list type="bullet">
/// <item>float32: <c>list&lt;float&gt;</c> with required elements (what pyarrow writes for a list of floats; DuckDB
///   reads it as FLOAT[]);</item>
/// <item>bfloat16: Parquet has no bf16 type, so <c>act</c> is a binary value of 2·d bytes, the little-endian bf16 bit
///   patterns (numpy: <c>np.frombuffer(b, "&lt;u2").astype("&lt;u4") &lt;&lt; 16</c> viewed as float32; torch:
///   <c>torch.frombuffer(b, dtype=torch.bfloat16)</c>). The file's key-value metadata says <c>dtype: bfloat16</c>.</item>
/// </list>
/// Synthetic caches have no tokens: <c>doc</c> is the row number, <c>pos</c> 0, <c>token</c> −1, and the label column
/// <c>n_active</c> holds the true number of active features.
/// </summary>
public sealed class ActivationSchema
{
    public const string ActColumn = "act";
    public const string Float32 = "float32", BFloat16 = "bfloat16";

    public ActivationSchema(int dIn, IReadOnlyList<string> labelColumns, string dtype = Float32)
    {
        if (dtype is not (Float32 or BFloat16)) throw new ArgumentException($"activation dtype must be {Float32} or {BFloat16}, got {dtype}");
        DIn = dIn;
        Dtype = dtype;
        LabelColumns = labelColumns;
        Doc = new DataField<long>("doc");
        Pos = new DataField<int>("pos");
        Token = new DataField<int>("token");
        Labels = labelColumns.Select(n => new DataField<int>(n)).ToList();
        ActElement = new DataField<float>("element");
        Act = new ListField(ActColumn, ActElement);
        ActBytes = new DataField<byte[]>(ActColumn, false);
        Parquet = new ParquetSchema([Doc, Pos, Token, .. Labels, dtype == BFloat16 ? ActBytes : Act]);
    }

    public int DIn { get; }
    public string Dtype { get; }
    public IReadOnlyList<string> LabelColumns { get; }
    public DataField<long> Doc { get; }
    public DataField<int> Pos { get; }
    public DataField<int> Token { get; }
    public IReadOnlyList<DataField<int>> Labels { get; }
    public DataField<float> ActElement { get; }
    public ListField Act { get; }

    /// <summary>The bfloat16 form of <c>act</c>: one binary value per row.</summary>
    public DataField<byte[]> ActBytes { get; }
    public ParquetSchema Parquet { get; }
}
