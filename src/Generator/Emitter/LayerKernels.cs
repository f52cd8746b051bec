using System.Collections.Generic;
using System.Linq;

namespace Backprop.Generator.Emitter;

/// <summary>
/// The one place that decides how a layer's matrix products are computed. Each method writes the loop for one block of
/// rows with every size a constant; a faster kernel for some shapes replaces a branch here and nothing else.
/// </summary>
internal static class LayerKernels
{
    /// <summary>
    /// Layers with at most this many weights are unrolled into straight-line scalar code: they are narrower than a
    /// vector, so a TensorPrimitives call per input costs more in call overhead than the arithmetic it does
    /// (LayerKernelBenchmark measures both forms).
    /// </summary>
    public const int MaxUnrolledWeights = 64;

    private const string Tensor = "global::System.Numerics.Tensors.TensorPrimitives";

    public static bool IsUnrolled(LayerPlan layer) => layer.WeightCount <= MaxUnrolledWeights;

    /// <summary>
    /// Small float layers also run eight rows at a time with the rows in vector lanes (<see cref="LaneKernelEmitter"/>),
    /// ahead of the unrolled one-row code for the rows left over (LayerKernelBenchmark).
    /// </summary>
    public static bool UsesLanes(LayerPlan layer, bool single) => single && IsUnrolled(layer);

    /// <summary>
    /// Float layers with at least this many outputs (one vector) use the register-blocked <c>DenseKernels.MultiplyAdd</c>
    /// (6 rows x 16 or x 8 columns in registers) for <c>A * W</c> (WideLayerKernelBenchmark measures it against the
    /// call per row, down to 10 outputs).
    /// </summary>
    public const int MinBlockedColumns = 8;

    public static bool IsBlocked(LayerPlan layer, bool single) => single && !IsUnrolled(layer) && layer.FanOut >= MinBlockedColumns;

    /// <summary>
    /// Layers whose input gradient <c>dA = dZ W^T</c> is computed as the blocked product <c>dZ * (W^T)</c> after
    /// transposing W into the workspace, instead of a dot product per input per row: float layers with at least
    /// <see cref="MinBlockedColumns"/> inputs (the product's columns) and more than one output, and at most
    /// <see cref="MaxTransposedWeights"/> weights, to bound the workspace (InputGradientKernelBenchmark).
    /// </summary>
    public static bool TransposesWeights(LayerPlan layer, bool single, int blockRows) =>
        single && blockRows >= MinTransposingBlockRows && layer.Index > 1 && !IsUnrolled(layer) && layer.FanOut > 1 && layer.FanIn >= MinBlockedColumns && layer.WeightCount <= MaxTransposedWeights;

    /// <summary>
    /// W is transposed once per block, about as costly as 16 rows of the product (a strided copy against vectorized
    /// multiply-adds), so only networks whose blocks hold at least this many rows transpose.
    /// </summary>
    public const int MinTransposingBlockRows = 32;

    /// <summary>The largest W that is transposed into the workspace: 4 MB of float values.</summary>
    public const int MaxTransposedWeights = 1 << 20;

    /// <summary>Writes <c>Z = A * W + b</c> for the rows of a block into the span named <c>layer.Z</c>.</summary>
    public static void EmitForwardProduct(SourceWriter writer, LayerPlan layer, string input, bool bias, bool single)
    {
        int n = layer.FanOut;
        if (IsBlocked(layer, single))
        {
            // A wide layer: start every row from the bias, then one register-blocked product for the whole block.
            writer.OpenBlock("for (int row = 0; row < rows; row++)");
            writer.WriteLine(bias ? $"{layer.B}.CopyTo({layer.Z}.Slice(row * {n}, {n}));" : $"{layer.Z}.Slice(row * {n}, {n}).Clear();");
            writer.CloseBlock();
            writer.WriteLine();
            writer.WriteLine($"global::Backprop.Kernels.DenseKernels.MultiplyAdd({input}, rows, {layer.FanIn}, {layer.W}, {n}, {layer.Z});");
            return;
        }

        bool lanes = UsesLanes(layer, single);
        if (lanes)
        {
            LaneKernelEmitter.EmitForward(writer, layer, input, bias);
        }

        writer.OpenBlock($"for (int row = {(lanes ? LaneKernelEmitter.RemainderStart : "0")}; row < rows; row++)");
        writer.WriteLine($"var x = {input}.Slice(row * {layer.FanIn}, {layer.FanIn});");
        if (IsUnrolled(layer))
        {
            // A small layer: each output is one unrolled sum over the inputs (W is row-major, so W[k, j] = w[k * n + j]).
            writer.WriteLine($"var z = {layer.Z}.Slice(row * {n}, {n});");
            for (int j = 0; j < n; j++)
            {
                var terms = new List<string>();
                if (bias)
                {
                    terms.Add($"{layer.B}[{j}]");
                }

                for (int k = 0; k < layer.FanIn; k++)
                {
                    terms.Add($"(x[{k}] * {layer.W}[{(k * n) + j}])");
                }

                writer.WriteLine($"z[{j}] = {string.Join(" + ", terms)};");
            }
        }
        else if (n == 1)
        {
            // W is a single column, stored contiguously: one dot product per row.
            writer.WriteLine($"{layer.Z}[row] = {Tensor}.Dot(x, {layer.W}){(bias ? $" + {layer.B}[0]" : string.Empty)};");
        }
        else
        {
            // Row-major W: z += x[k] * (row k of W), a contiguous multiply-add per input.
            writer.WriteLine($"var z = {layer.Z}.Slice(row * {n}, {n});");
            writer.WriteLine(bias ? $"{layer.B}.CopyTo(z);" : "z.Clear();");
            writer.OpenBlock($"for (int k = 0; k < {layer.FanIn}; k++)");
            writer.WriteLine($"{Tensor}.MultiplyAdd({layer.W}.Slice(k * {n}, {n}), x[k], z, z);");
            writer.CloseBlock();
        }

        writer.CloseBlock();
    }

    /// <summary>
    /// Writes <c>dW += A^T dZ</c>, <c>db += column sums of dZ</c> and, when <paramref name="inputGradient"/> is given,
    /// <c>dA_prev = dZ W^T</c>, for the rows of a block.
    /// </summary>
    public static void EmitBackwardProducts(SourceWriter writer, LayerPlan layer, string input, bool bias, string? inputGradient, bool single, int blockRows)
    {
        bool transposed = inputGradient is not null && TransposesWeights(layer, single, blockRows);
        string? rowInputGradient = transposed ? null : inputGradient;
        if (IsBlocked(layer, single))
        {
            EmitBlockedWeightGradient(writer, layer, input, bias, rowInputGradient);
        }
        else
        {
            EmitRowBackward(writer, layer, input, bias, rowInputGradient, single);
        }

        if (transposed)
        {
            // A wide input gradient: dA_prev = dZ (W^T), one blocked product against W transposed into the workspace.
            // The transpose reads W once per block: little beside the product when the block holds many rows.
            int n = layer.FanOut;
            int fanIn = layer.FanIn;
            writer.WriteLine();
            writer.WriteLine($"// dA{layer.Index - 1} = dZ{layer.Index} W{layer.Index}^T as one blocked product, against W{layer.Index} transposed into the workspace.");
            writer.WriteLine($"var {layer.W}t = buffer.Slice({NetworkPlan.TransposedWeightsOffsetName}, {layer.WeightCount});");
            writer.WriteLine($"global::Backprop.Kernels.DenseKernels.Transpose({layer.W}, {fanIn}, {n}, {layer.W}t);");
            writer.WriteLine($"{inputGradient}.Clear();");
            writer.WriteLine($"global::Backprop.Kernels.DenseKernels.MultiplyAdd({layer.DZ}, rows, {n}, {layer.W}t, {fanIn}, {inputGradient});");
        }
    }

    // dW, db and (when given) dA_prev row by row.
    private static void EmitRowBackward(SourceWriter writer, LayerPlan layer, string input, bool bias, string? inputGradient, bool single)
    {
        int n = layer.FanOut;
        int fanIn = layer.FanIn;
        bool lanes = UsesLanes(layer, single);
        if (lanes)
        {
            LaneKernelEmitter.EmitBackward(writer, layer, input, bias, inputGradient);
        }

        writer.OpenBlock($"for (int row = {(lanes ? LaneKernelEmitter.RemainderStart : "0")}; row < rows; row++)");
        writer.WriteLine($"var a = {input}.Slice(row * {fanIn}, {fanIn});");
        if (IsUnrolled(layer))
        {
            EmitUnrolledBackward(writer, layer, bias, inputGradient);
        }
        else if (n == 1)
        {
            // A single output: the row's dZ is a scalar, dW += dz * a and dA_prev = dz * W.
            writer.WriteLine($"var dz = {layer.DZ}[row];");
            writer.WriteLine($"{Tensor}.MultiplyAdd(a, dz, g{layer.W}, g{layer.W});");
            if (bias)
            {
                writer.WriteLine($"g{layer.B}[0] += dz;");
            }

            if (inputGradient is not null)
            {
                writer.WriteLine($"{Tensor}.Multiply({layer.W}, dz, {inputGradient}.Slice(row * {fanIn}, {fanIn}));");
            }
        }
        else
        {
            writer.WriteLine($"var dz = {layer.DZ}.Slice(row * {n}, {n});");
            writer.OpenBlock($"for (int k = 0; k < {fanIn}; k++)");
            writer.WriteLine($"var gradientRow = g{layer.W}.Slice(k * {n}, {n});");
            writer.WriteLine($"{Tensor}.MultiplyAdd(dz, a[k], gradientRow, gradientRow);");
            writer.CloseBlock();
            EmitRowBiasAndInputGradient(writer, layer, bias, inputGradient, blankLine: true);
        }

        writer.CloseBlock();
    }

    // A wide layer: dW += A^T dZ as one register-blocked product for the block of rows; db and dA_prev per row.
    private static void EmitBlockedWeightGradient(SourceWriter writer, LayerPlan layer, string input, bool bias, string? inputGradient)
    {
        writer.WriteLine($"global::Backprop.Kernels.DenseKernels.MultiplyAddTransposed({input}, rows, {layer.FanIn}, {layer.DZ}, {layer.FanOut}, g{layer.W});");
        if (!bias && inputGradient is null)
        {
            return;
        }

        writer.OpenBlock("for (int row = 0; row < rows; row++)");
        writer.WriteLine($"var dz = {layer.DZ}.Slice(row * {layer.FanOut}, {layer.FanOut});");
        EmitRowBiasAndInputGradient(writer, layer, bias, inputGradient, blankLine: false);
        writer.CloseBlock();
    }

    // db += dz and dA_prev[k] = (row k of W) . dz for the row whose dZ is the local dz.
    private static void EmitRowBiasAndInputGradient(SourceWriter writer, LayerPlan layer, bool bias, string? inputGradient, bool blankLine)
    {
        int n = layer.FanOut;
        int fanIn = layer.FanIn;
        if (blankLine && (bias || inputGradient is not null))
        {
            writer.WriteLine();
        }

        if (bias)
        {
            writer.WriteLine($"{Tensor}.Add(g{layer.B}, dz, g{layer.B});");
        }

        if (inputGradient is not null)
        {
            // Rows of the row-major W are contiguous.
            writer.WriteLine($"var da = {inputGradient}.Slice(row * {fanIn}, {fanIn});");
            writer.OpenBlock($"for (int k = 0; k < {fanIn}; k++)");
            writer.WriteLine($"da[k] = {Tensor}.Dot({layer.W}.Slice(k * {n}, {n}), dz);");
            writer.CloseBlock();
        }
    }

    // A small layer's backward pass for one row, fully unrolled: dW[k, j] += a[k] dz[j], db[j] += dz[j],
    // dA_prev[k] = sum_j W[k, j] dz[j].
    private static void EmitUnrolledBackward(SourceWriter writer, LayerPlan layer, bool bias, string? inputGradient)
    {
        int n = layer.FanOut;
        int fanIn = layer.FanIn;
        writer.WriteLine($"var dz = {layer.DZ}.Slice(row * {n}, {n});");
        for (int k = 0; k < fanIn; k++)
        {
            for (int j = 0; j < n; j++)
            {
                writer.WriteLine($"g{layer.W}[{(k * n) + j}] += a[{k}] * dz[{j}];");
            }
        }

        if (bias)
        {
            for (int j = 0; j < n; j++)
            {
                writer.WriteLine($"g{layer.B}[{j}] += dz[{j}];");
            }
        }

        if (inputGradient is not null)
        {
            writer.WriteLine($"var da = {inputGradient}.Slice(row * {fanIn}, {fanIn});");
            for (int k = 0; k < fanIn; k++)
            {
                string[] terms = Enumerable.Range(0, n).Select(j => $"{layer.W}[{(k * n) + j}] * dz[{j}]").ToArray();
                writer.WriteLine($"da[{k}] = {(n == 1 ? terms[0] : string.Join(" + ", terms.Select(term => $"({term})")))};");
            }
        }
    }
}
