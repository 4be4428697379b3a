using Parquet.Schema;

namespace SaePipeline.Activations;

/// <summary>
/// The Parquet layout of an activation cache, one row per token (DESIGN.md, Formats): <c>doc</c> int64, <c>pos</c>
/// int32, <c>token</c> int32, optional int32 label columns, and <c>act</c>, the activation vector as
/// <c>list&lt;float&gt;</c> with required elements (what pyarrow writes for a list of floats; DuckDB reads it as FLOAT[]).
/// Synthetic caches have no tokens: <c>doc</c> is the row number, <c>pos</c> 0, <c>token</c> −1, and the label column
/// <c>n_active</c> holds the true number of active features.
/// </summary>
public sealed class ActivationSchema
{
    public const string ActColumn = "act";

    public ActivationSchema(int dIn, IReadOnlyList<string> labelColumns)
    {
        DIn = dIn;
        LabelColumns = labelColumns;
        Doc = new DataField<long>("doc");
        Pos = new DataField<int>("pos");
        Token = new DataField<int>("token");
        Labels = labelColumns.Select(n => new DataField<int>(n)).ToList();
        ActElement = new DataField<float>("element");
        Act = new ListField(ActColumn, ActElement);
        Parquet = new ParquetSchema([Doc, Pos, Token, .. Labels, Act]);
    }

    public int DIn { get; }
    public IReadOnlyList<string> LabelColumns { get; }
    public DataField<long> Doc { get; }
    public DataField<int> Pos { get; }
    public DataField<int> Token { get; }
    public IReadOnlyList<DataField<int>> Labels { get; }
    public DataField<float> ActElement { get; }
    public ListField Act { get; }
    public ParquetSchema Parquet { get; }
}
