using Backprop.Generator.Planning;
using Backprop.Kernels;

namespace Backprop.Generator.Emitter;

/// <summary>
/// Writes the examples-in-lanes form of a small float layer (<see cref="ProductKernel.Lanes"/>): the block's first
/// <c>laneRows</c> rows eight at a time, with one 256-bit vector per input and per output holding those rows in its lanes
/// (<c>Backprop.Kernels.LaneKernels</c> moves tiles in and out of that form). A layer narrower than a vector has too
/// little work per row to vectorize across its neurons; across rows every lane is busy. The one-row code that
/// <see cref="ProductEmitter"/> writes after it takes the rows left over, with the same sums (<see cref="SumSyntax"/>).
/// </summary>
internal static class LaneKernelEmitter
{
    public const int Lanes = KernelGeometry.Lanes;

    private const string Vector = "global::System.Runtime.Intrinsics.Vector256";
    private const string Kernels = "global::Backprop.Kernels.LaneKernels";
    private const string LaneRows = ProductEmitter.LaneRows;

    /// <summary>
    /// <c>Z = A * W + b</c> for the tiles. (The backward pass's dA is exact in the same way; its dW and db are per-lane
    /// partial sums, so their bits depend on the batch.)
    /// </summary>
    public static void EmitForward(SourceWriter writer, LayerPlan layer, string input, bool bias)
    {
        int n = layer.FanOut;
        int fanIn = layer.FanIn;
        string x = input + "Lanes";
        string z = layer.Z + "Lanes";
        writer.WriteLine($"// Rows 0 to {LaneRows} eight at a time, one row per vector lane; then the rows left over, one at a time.");
        writer.OpenBlock($"if ({LaneRows} > 0)");
        DeclareWeightLanes(writer, layer, bias);
        DeclareLanes(writer, x, fanIn);
        DeclareLanes(writer, z, n);
        writer.OpenBlock($"for (int row = 0; row < {LaneRows}; row += {Lanes})");
        writer.WriteLine($"{Kernels}.Gather({Tile(input, fanIn)}, {fanIn}, {x});");
        for (int j = 0; j < n; j++)
        {
            writer.WriteLine($"{z}[{j}] = {SumSyntax.ForwardSum(layer, j, bias, x, layer.W + "Lanes", layer.B + "Lanes")};");
        }

        writer.WriteLine($"{Kernels}.Scatter({z}, {n}, {Tile(layer.Z, n)});");
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
        string a = input + "Lanes";
        string dz = layer.DZ + "Lanes";
        string sums = $"g{layer.Index}Lanes";
        string da = $"da{layer.Index - 1}Lanes";
        writer.WriteLine($"// Rows 0 to {LaneRows} eight at a time, one row per vector lane: dW{(bias ? " and db" : string.Empty)} as per-lane sums, added in after the last tile.");
        writer.OpenBlock($"if ({LaneRows} > 0)");
        if (inputGradient is not null)
        {
            DeclareWeightLanes(writer, layer, bias: false);
        }

        DeclareLanes(writer, a, fanIn);
        DeclareLanes(writer, dz, n);
        DeclareLanes(writer, sums, layer.WeightCount + (bias ? n : 0));
        writer.WriteLine($"{sums}.Clear(); // stackalloc memory is not zeroed under [SkipLocalsInit]");
        if (inputGradient is not null)
        {
            DeclareLanes(writer, da, fanIn);
        }

        writer.OpenBlock($"for (int row = 0; row < {LaneRows}; row += {Lanes})");
        writer.WriteLine($"{Kernels}.Gather({Tile(input, fanIn)}, {fanIn}, {a});");
        writer.WriteLine($"{Kernels}.Gather({Tile(layer.DZ, n)}, {n}, {dz});");
        SumSyntax.EmitGradientSums(writer, layer, a, dz, sums, bias ? sums : null, biasStart: layer.WeightCount);
        if (inputGradient is not null)
        {
            for (int k = 0; k < fanIn; k++)
            {
                writer.WriteLine($"{da}[{k}] = {SumSyntax.InputGradientSum(layer, k, layer.W + "Lanes", dz)};");
            }

            writer.WriteLine($"{Kernels}.Scatter({da}, {fanIn}, {Tile(inputGradient, fanIn)});");
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

    // The eight rows of a tile starting at row.
    private static string Tile(string span, int width) => $"{span}.Slice({SumSyntax.Times("row", width)}, {Lanes * width})";
}
