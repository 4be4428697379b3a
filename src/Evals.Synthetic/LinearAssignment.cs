namespace SaePipeline.Evals.Synthetic;

/// <summary>
/// The assignment problem (Kuhn–Munkres / Hungarian method) by shortest augmenting paths with potentials, O(n²·m):
/// a one-to-one matching of the n rows to distinct columns of an n×m cost matrix (n ≤ m) with the least total cost.
/// </summary>
public static class LinearAssignment
{
    /// <summary>Minimum-cost matching; returns the column matched to each row. Requires rows ≤ columns.</summary>
    public static int[] Minimize(double[,] cost)
    {
        int n = cost.GetLength(0), m = cost.GetLength(1);
        if (n > m) throw new ArgumentException($"need rows ≤ columns, got {n}×{m}; transpose the matrix");
        foreach (double c in cost)
            if (!double.IsFinite(c)) throw new ArgumentException("costs must be finite (a NaN would make the search loop forever)");
        // 1-based arrays; column 0 is the virtual start of each augmenting path.
        var u = new double[n + 1];
        var v = new double[m + 1];
        var rowOfColumn = new int[m + 1];
        var way = new int[m + 1];
        var minSlack = new double[m + 1];
        var used = new bool[m + 1];
        for (int i = 1; i <= n; i++)
        {
            rowOfColumn[0] = i;
            int j0 = 0;
            Array.Fill(minSlack, double.PositiveInfinity);
            Array.Clear(used);
            do
            {
                used[j0] = true;
                int i0 = rowOfColumn[j0], j1 = 0;
                double delta = double.PositiveInfinity;
                for (int j = 1; j <= m; j++)
                {
                    if (used[j]) continue;
                    double slack = cost[i0 - 1, j - 1] - u[i0] - v[j];
                    if (slack < minSlack[j]) { minSlack[j] = slack; way[j] = j0; }
                    if (minSlack[j] < delta) { delta = minSlack[j]; j1 = j; }
                }
                for (int j = 0; j <= m; j++)
                {
                    if (used[j]) { u[rowOfColumn[j]] += delta; v[j] -= delta; }
                    else minSlack[j] -= delta;
                }
                j0 = j1;
            } while (rowOfColumn[j0] != 0);
            do
            {
                int j1 = way[j0];
                rowOfColumn[j0] = rowOfColumn[j1];
                j0 = j1;
            } while (j0 != 0);
        }
        var columnOfRow = new int[n];
        for (int j = 1; j <= m; j++)
            if (rowOfColumn[j] != 0) columnOfRow[rowOfColumn[j] - 1] = j - 1;
        return columnOfRow;
    }

    /// <summary>Maximum-weight one-to-one matching of any rectangular matrix; pairs (row, column), min(n, m) of them.</summary>
    public static (int Row, int Column)[] Maximize(double[,] weight)
    {
        int n = weight.GetLength(0), m = weight.GetLength(1);
        bool transpose = n > m;
        int rows = transpose ? m : n, cols = transpose ? n : m;
        var cost = new double[rows, cols];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                cost[i, j] = -(transpose ? weight[j, i] : weight[i, j]);
        var match = Minimize(cost);
        return match.Select((c, r) => transpose ? (c, r) : (r, c)).OrderBy(p => p.Item1).ToArray();
    }
}
