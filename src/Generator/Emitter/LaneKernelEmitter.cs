using System.Linq;

namespace Backprop.Generator.Emitter;

/// <summary>
/// Writes the examples-in-lanes form of a small float layer: eight rows at a time, with one 256-bit vector per input
/// and per output holding those rows in its lanes (<c>Backprop.LaneKernels</c> moves tiles in and out of that form).
/// A layer narrower than a vector has too little work per row to vectorize across its neurons; across rows every lane
/// is busy. The rows left over (fewer than eight) run the one-row code after it.
/// </summary>
internal static class LaneKernelEmitter
{
    public const int Lanes = Backprop.Kernels.KernelGeometry.Lanes;

    private const string Vector = "global::System.Runtime.Intrinsics.Vector256";
    private const string Kernels = "global::Backprop.Kernels.LaneKernels";

    /// <summary>The start of the loop over the rows that the tiles leave over.</summary>
    public static readonly string RemainderStart = $"{Accelerated} ? rows - (rows % {Lanes}) : 0";

    // Without 256-bit vector hardware (Vector256 emulated in software) every row takes the one-row code.
    private const string Accelerated = Vector + ".IsHardwareAccelerated";

    /// <summary>
    /// <c>Z = A * W + b</c> for the tiles, as the same sums in the same order as the one-row code (a separate multiply
    /// and add per term, never fused), so each row gets the same bits whether it is in a tile or left over. (The
    /// backward pass's dA is the same; its dW and db are per-lane partial sums, so their bits depend on the batch.)
    /// </summary>
    public static void EmitForward(SourceWriter writer, LayerPlan layer, string input, bool bias)
    {
        int n = layer.FanOut;
        int fanIn = layer.FanIn;
        string x = $"x{layer.Index}Lanes";
        string z = $"{layer.Z}Lanes";
        writer.WriteLine("// Eight rows at a time, one row per vector lane; then the rows left over, one at a time.");
        writer.OpenBlock($"if ({Accelerated} && rows >= {Lanes})");
        DeclareWeightLanes(writer, layer, bias);
        DeclareLanes(writer, x, fanIn);
        DeclareLanes(writer, z, n);
        writer.OpenBlock($"for (int row = 0; row + {Lanes} <= rows; row += {Lanes})");
        writer.WriteLine($"{Kernels}.Gather({input}.Slice(row * {fanIn}, {Lanes * fanIn}), {fanIn}, {x});");
        for (int j = 0; j < n; j++)
        {
            var terms = Enumerable.Range(0, fanIn).Select(k => $"({x}[{k}] * {layer.W}Lanes[{(k * n) + j}])").ToList();
            if (bias)
            {
                terms.Insert(0, $"{layer.B}Lanes[{j}]");
            }

            writer.WriteLine($"{z}[{j}] = {string.Join(" + ", terms)};");
        }

        writer.WriteLine($"{Kernels}.Scatter({z}, {n}, {layer.Z}.Slice(row * {n}, {Lanes * n}));");
        writer.CloseBlock();
        writer.CloseBlock();
        writer.WriteLine();
    }

    /// <summary>
    /// <c>dW += A^T dZ</c> and <c>db += column sums of dZ</c> as per-lane partial sums added into the gradient after the
    /// last tile, and <c>dA_prev = dZ W^T</c> tile by tile.
    /// </summary>
    public static void EmitBackward(SourceWriter writer, LayerPlan layer, string input, bool bias, string? inputGradient)
    {
        int n = layer.FanOut;
        int fanIn = layer.FanIn;
        string a = $"a{layer.Index}Lanes";
        string dz = $"{layer.DZ}Lanes";
        string sums = $"g{layer.Index}Lanes";
        string da = $"da{layer.Index}Lanes";
        int sumCount = layer.WeightCount + (bias ? n : 0);
        writer.WriteLine($"// Eight rows at a time, one row per vector lane: dW{(bias ? " and db" : string.Empty)} as per-lane sums, added in after the last tile.");
        writer.OpenBlock($"if ({Accelerated} && rows >= {Lanes})");
        if (inputGradient is not null)
        {
            DeclareWeightLanes(writer, layer, bias: false);
        }

        DeclareLanes(writer, a, fanIn);
        DeclareLanes(writer, dz, n);
        DeclareLanes(writer, sums, sumCount);
        writer.WriteLine($"{sums}.Clear(); // stackalloc memory is not zeroed under [SkipLocalsInit]");
        if (inputGradient is not null)
        {
            DeclareLanes(writer, da, fanIn);
        }

        writer.OpenBlock($"for (int row = 0; row + {Lanes} <= rows; row += {Lanes})");
        writer.WriteLine($"{Kernels}.Gather({input}.Slice(row * {fanIn}, {Lanes * fanIn}), {fanIn}, {a});");
        writer.WriteLine($"{Kernels}.Gather({layer.DZ}.Slice(row * {n}, {Lanes * n}), {n}, {dz});");
        for (int k = 0; k < fanIn; k++)
        {
            for (int j = 0; j < n; j++)
            {
                writer.WriteLine($"{sums}[{(k * n) + j}] += {a}[{k}] * {dz}[{j}];");
            }
        }

        if (bias)
        {
            for (int j = 0; j < n; j++)
            {
                writer.WriteLine($"{sums}[{layer.WeightCount + j}] += {dz}[{j}];");
            }
        }

        if (inputGradient is not null)
        {
            for (int k = 0; k < fanIn; k++)
            {
                string[] terms = Enumerable.Range(0, n).Select(j => $"({layer.W}Lanes[{(k * n) + j}] * {dz}[{j}])").ToArray();
                writer.WriteLine($"{da}[{k}] = {string.Join(" + ", terms)};");
            }

            writer.WriteLine($"{Kernels}.Scatter({da}, {fanIn}, {inputGradient}.Slice(row * {fanIn}, {Lanes * fanIn}));");
        }

        writer.CloseBlock();
        writer.WriteLine();
        writer.WriteLine($"{Kernels}.AddLaneSums({sums}.Slice(0, {layer.WeightCount}), g{layer.W});");
        if (bias)
        {
            writer.WriteLine($"{Kernels}.AddLaneSums({sums}.Slice({layer.WeightCount}, {n}), g{layer.B});");
        }

        writer.CloseBlock();
        writer.WriteLine();
    }

    // The weights (and biases) as one vector of copies each, made once per block rather than once per tile.
    private static void DeclareWeightLanes(SourceWriter writer, LayerPlan layer, bool bias)
    {
        DeclareLanes(writer, layer.W + "Lanes", layer.WeightCount);
        writer.WriteLine($"{Kernels}.Broadcast({layer.W}, {layer.W}Lanes);");
        if (bias)
        {
            DeclareLanes(writer, layer.B + "Lanes", layer.FanOut);
            writer.WriteLine($"{Kernels}.Broadcast({layer.B}, {layer.B}Lanes);");
        }
    }

    private static void DeclareLanes(SourceWriter writer, string name, int count) =>
        writer.WriteLine($"global::System.Span<{Vector}<float>> {name} = stackalloc {Vector}<float>[{count}];");
}
