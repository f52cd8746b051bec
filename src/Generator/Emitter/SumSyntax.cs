using System.Linq;
using Backprop.Generator.Planning;

namespace Backprop.Generator.Emitter;

/// <summary>
/// The unrolled sums of a small layer, written once for both forms that use them: one row at a time (indexing spans of
/// values) and eight rows at a time (indexing spans of vectors, one row per lane). Both forms get the same terms in the
/// same order, each product a separate multiply and add (never fused), so a row gets the same bits in a tile and alone.
/// </summary>
internal static class SumSyntax
{
    /// <summary><c>z[j] = b[j] + x[0] W[0, j] + x[1] W[1, j] + ...</c> (W row-major: <c>W[k, j]</c> is <c>w[k * n + j]</c>).</summary>
    public static string ForwardSum(LayerPlan layer, int j, bool bias, string x, string w, string b)
    {
        var terms = Enumerable.Range(0, layer.FanIn).Select(k => $"({x}[{k}] * {w}[{(k * layer.FanOut) + j}])");
        return string.Join(" + ", bias ? terms.Prepend($"{b}[{j}]") : terms);
    }

    /// <summary><c>da[k] = W[k, 0] dz[0] + W[k, 1] dz[1] + ...</c>: row k of W against the row's dZ.</summary>
    public static string InputGradientSum(LayerPlan layer, int k, string w, string dz)
    {
        int n = layer.FanOut;
        string[] terms = Enumerable.Range(0, n).Select(j => $"{w}[{(k * n) + j}] * {dz}[{j}]").ToArray();
        return n == 1 ? terms[0] : string.Join(" + ", terms.Select(term => $"({term})"));
    }

    /// <summary>Writes <c>dW[k, j] += a[k] dz[j]</c> for every weight, then <c>db[j] += dz[j]</c>.</summary>
    public static void EmitGradientSums(SourceWriter writer, LayerPlan layer, string a, string dz, string weightSums, string? biasSums, int biasStart)
    {
        int n = layer.FanOut;
        for (int k = 0; k < layer.FanIn; k++)
        {
            for (int j = 0; j < n; j++)
            {
                writer.WriteLine($"{weightSums}[{(k * n) + j}] += {a}[{k}] * {dz}[{j}];");
            }
        }

        if (biasSums is not null)
        {
            for (int j = 0; j < n; j++)
            {
                writer.WriteLine($"{biasSums}[{biasStart + j}] += {dz}[{j}];");
            }
        }
    }

    /// <summary><c>name * count</c>, or just <c>name</c> when <paramref name="count"/> is 1.</summary>
    public static string Times(string name, int count) => count == 1 ? name : $"{name} * {count}";
}
