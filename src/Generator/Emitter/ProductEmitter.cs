using System;
using Backprop.Generator.Planning;

namespace Backprop.Generator.Emitter;

/// <summary>
/// Writes a layer's matrix products for one block of rows, in the form its <see cref="KernelChoice"/> names, with every
/// size a constant. Which form a layer gets is decided in <see cref="KernelRules"/>; here a form only specializes its
/// code for a single output column (a dot product per row instead of a multiply-add per input).
/// </summary>
internal static class ProductEmitter
{
    private const string Tensor = "global::System.Numerics.Tensors.TensorPrimitives";
    private const string Dense = "global::Backprop.Kernels.DenseKernels";
    private const string Rows = "global::Backprop.Kernels.RowKernels";

    // The workspace's room for the packed panels (NetworkPlan.PackOffset).
    private const string Pack = "buffer.Slice(" + NetworkPlan.PackOffsetName + ", " + NetworkPlan.PackLengthName + ")";

    /// <summary>The local that holds the rows a pass runs in lane tiles (<c>LaneKernels.TiledRows</c>).</summary>
    public const string LaneRows = "laneRows";

    /// <summary>Writes <c>Z = A * W + b</c> for the rows of a block into the span named <c>layer.Z</c>.</summary>
    public static void EmitForward(SourceWriter writer, LayerPlan layer, string input, bool bias)
    {
        int n = layer.FanOut;
        switch (layer.Kernels.Forward)
        {
            case ProductKernel.Blocked:
                writer.WriteLine("// Every row starts from the bias, then one register-blocked product for the whole block.");
                writer.WriteLine(bias ? $"{Rows}.BroadcastRows({layer.B}, {layer.Z});" : $"{layer.Z}.Clear();");
                writer.WriteLine($"{Dense}.MultiplyAdd({input}, rows, {layer.FanIn}, {layer.W}, {n}, {layer.Z});");
                return;

            case ProductKernel.Packed:
                writer.WriteLine($"// Every row starts from the bias, then one packed product: W{layer.Index} in 16-column panels, blocked for the caches.");
                writer.WriteLine(bias ? $"{Rows}.BroadcastRows({layer.B}, {layer.Z});" : $"{layer.Z}.Clear();");
                writer.WriteLine($"{Dense}.PackedMultiplyAdd({input}, rows, {layer.FanIn}, {layer.W}, {n}, {layer.Z}, {Pack});");
                return;

            case ProductKernel.Lanes:
                LaneKernelEmitter.EmitForward(writer, layer, input, bias);
                EmitUnrolledForward(writer, layer, input, bias, LaneRows);
                return;

            case ProductKernel.Unrolled:
                EmitUnrolledForward(writer, layer, input, bias, "0");
                return;

            case ProductKernel.PerRow:
                writer.OpenBlock("for (int row = 0; row < rows; row++)");
                writer.WriteLine($"var x = {InputRow(input, layer)};");
                if (n == 1)
                {
                    writer.WriteLine("// W is a single column, stored contiguously: one dot product per row.");
                    writer.WriteLine($"{layer.Z}[row] = {Tensor}.Dot(x, {layer.W}){(bias ? $" + {layer.B}[0]" : string.Empty)};");
                }
                else
                {
                    writer.WriteLine("// Row-major W: z += x[k] * (row k of W), a contiguous multiply-add per input.");
                    writer.WriteLine($"var z = {OutputRow(layer.Z, layer)};");
                    writer.WriteLine(bias ? $"{layer.B}.CopyTo(z);" : "z.Clear();");
                    writer.OpenBlock($"for (int k = 0; k < {layer.FanIn}; k++)");
                    writer.WriteLine($"{Tensor}.MultiplyAdd({layer.W}.Slice(k * {n}, {n}), x[k], z, z);");
                    writer.CloseBlock();
                }

                writer.CloseBlock();
                return;

            default:
                throw new InvalidOperationException($"No forward form {layer.Kernels.Forward}.");
        }
    }

    /// <summary>
    /// Writes <c>dW += A^T dZ</c>, <c>db += column sums of dZ</c> (<c>=</c> for the block whose <c>firstBlock</c> is
    /// set) and, unless the layer's input gradient is <see cref="ProductKernel.None"/>, <c>dA_prev = dZ W^T</c> into
    /// <paramref name="inputGradient"/>, for the rows of a block.
    /// </summary>
    public static void EmitBackward(SourceWriter writer, LayerPlan layer, string input, bool bias, string? inputGradient)
    {
        KernelChoice kernels = layer.Kernels;
        string? rowInputGradient = kernels.InputGradient == ProductKernel.Packed ? null : inputGradient;
        if (kernels.WeightGradient is not (ProductKernel.Blocked or ProductKernel.Packed))
        {
            // These forms add into the gradient, so the first block clears this layer's part of it first.
            writer.OpenBlock("if (firstBlock)");
            writer.WriteLine($"g{layer.W}.Clear();");
            if (bias)
            {
                writer.WriteLine($"g{layer.B}.Clear();");
            }

            writer.CloseBlock();
            writer.WriteLine();
        }

        switch (kernels.WeightGradient)
        {
            case ProductKernel.Blocked:
            case ProductKernel.Packed:
                writer.WriteLine(kernels.WeightGradient == ProductKernel.Packed
                    ? $"{Dense}.PackedMultiplyAddTransposed({input}, rows, {layer.FanIn}, {layer.DZ}, {layer.FanOut}, g{layer.W}, {Pack}, overwrite: firstBlock);"
                    : $"{Dense}.MultiplyAddTransposed({input}, rows, {layer.FanIn}, {layer.DZ}, {layer.FanOut}, g{layer.W}, overwrite: firstBlock);");
                if (bias)
                {
                    writer.WriteLine($"{Rows}.AddColumnSums({layer.DZ}, g{layer.B}, overwrite: firstBlock);");
                }

                if (rowInputGradient is not null)
                {
                    writer.OpenBlock("for (int row = 0; row < rows; row++)");
                    writer.WriteLine($"var dz = {OutputRow(layer.DZ, layer)};");
                    EmitInputGradientDots(writer, layer, rowInputGradient);
                    writer.CloseBlock();
                }

                break;

            case ProductKernel.Lanes:
                LaneKernelEmitter.EmitBackward(writer, layer, input, bias, rowInputGradient);
                EmitUnrolledBackward(writer, layer, input, bias, rowInputGradient, LaneRows);
                break;

            case ProductKernel.Unrolled:
                EmitUnrolledBackward(writer, layer, input, bias, rowInputGradient, "0");
                break;

            case ProductKernel.PerRow:
                EmitPerRowBackward(writer, layer, input, bias, rowInputGradient);
                break;

            default:
                throw new InvalidOperationException($"No weight gradient form {kernels.WeightGradient}.");
        }

        if (kernels.InputGradient == ProductKernel.Packed)
        {
            // The packing copies W once per block: little beside the product when the block holds many rows.
            writer.WriteLine();
            writer.WriteLine($"// dA{layer.Index - 1} = dZ{layer.Index} W{layer.Index}^T as one packed product, W{layer.Index}^T packed into panels as it is copied.");
            writer.WriteLine($"{Dense}.PackedMultiplyAddByTransposed({layer.DZ}, rows, {layer.FanOut}, {layer.W}, {layer.FanIn}, {inputGradient}, {Pack}, overwrite: true);");
        }
    }

    // One row at a time from firstRow: each output one unrolled sum over the inputs.
    private static void EmitUnrolledForward(SourceWriter writer, LayerPlan layer, string input, bool bias, string firstRow)
    {
        writer.OpenBlock($"for (int row = {firstRow}; row < rows; row++)");
        writer.WriteLine($"var x = {InputRow(input, layer)};");
        writer.WriteLine($"var z = {OutputRow(layer.Z, layer)};");
        for (int j = 0; j < layer.FanOut; j++)
        {
            writer.WriteLine($"z[{j}] = {SumSyntax.ForwardSum(layer, j, bias, "x", layer.W, layer.B)};");
        }

        writer.CloseBlock();
    }

    // One row at a time from firstRow, fully unrolled: dW[k, j] += a[k] dz[j], db[j] += dz[j], dA_prev[k] = W[k, :] . dz.
    private static void EmitUnrolledBackward(SourceWriter writer, LayerPlan layer, string input, bool bias, string? inputGradient, string firstRow)
    {
        writer.OpenBlock($"for (int row = {firstRow}; row < rows; row++)");
        writer.WriteLine($"var a = {InputRow(input, layer)};");
        writer.WriteLine($"var dz = {OutputRow(layer.DZ, layer)};");
        SumSyntax.EmitGradientSums(writer, layer, "a", "dz", "g" + layer.W, bias ? "g" + layer.B : null, biasStart: 0);
        if (inputGradient is not null)
        {
            writer.WriteLine($"var da = {InputRow(inputGradient, layer)};");
            for (int k = 0; k < layer.FanIn; k++)
            {
                writer.WriteLine($"da[{k}] = {SumSyntax.InputGradientSum(layer, k, layer.W, "dz")};");
            }
        }

        writer.CloseBlock();
    }

    // A TensorPrimitives call per row: dW += a dz^T by rows of dW, db += dz, dA_prev by dot products.
    private static void EmitPerRowBackward(SourceWriter writer, LayerPlan layer, string input, bool bias, string? inputGradient)
    {
        int n = layer.FanOut;
        writer.OpenBlock("for (int row = 0; row < rows; row++)");
        writer.WriteLine($"var a = {InputRow(input, layer)};");
        if (n == 1)
        {
            writer.WriteLine("// A single output: the row's dZ is a scalar, dW += dz * a and dA_prev = dz * W.");
            writer.WriteLine($"var dz = {layer.DZ}[row];");
            writer.WriteLine($"{Tensor}.MultiplyAdd(a, dz, g{layer.W}, g{layer.W});");
            if (bias)
            {
                writer.WriteLine($"g{layer.B}[0] += dz;");
            }

            if (inputGradient is not null)
            {
                writer.WriteLine($"{Tensor}.Multiply({layer.W}, dz, {InputRow(inputGradient, layer)});");
            }
        }
        else
        {
            writer.WriteLine($"var dz = {OutputRow(layer.DZ, layer)};");
            writer.OpenBlock($"for (int k = 0; k < {layer.FanIn}; k++)");
            writer.WriteLine($"var gradientRow = g{layer.W}.Slice(k * {n}, {n});");
            writer.WriteLine($"{Tensor}.MultiplyAdd(dz, a[k], gradientRow, gradientRow);");
            writer.CloseBlock();
            if (bias || inputGradient is not null)
            {
                writer.WriteLine();
            }

            if (bias)
            {
                writer.WriteLine($"{Tensor}.Add(g{layer.B}, dz, g{layer.B});");
            }

            if (inputGradient is not null)
            {
                EmitInputGradientDots(writer, layer, inputGradient);
            }
        }

        writer.CloseBlock();
    }

    // dA_prev[k] = (row k of W) . dz for the row whose dZ is the local dz; rows of the row-major W are contiguous.
    private static void EmitInputGradientDots(SourceWriter writer, LayerPlan layer, string inputGradient)
    {
        writer.WriteLine($"var da = {InputRow(inputGradient, layer)};");
        writer.OpenBlock($"for (int k = 0; k < {layer.FanIn}; k++)");
        writer.WriteLine($"da[k] = {Tensor}.Dot({layer.W}.Slice(k * {layer.FanOut}, {layer.FanOut}), dz);");
        writer.CloseBlock();
    }

    // The current row of a span of the layer's inputs (A_prev or dA_prev) or of its outputs (Z or dZ).
    private static string InputRow(string span, LayerPlan layer) => $"{span}.Slice({SumSyntax.Times("row", layer.FanIn)}, {layer.FanIn})";

    private static string OutputRow(string span, LayerPlan layer) => $"{span}.Slice({SumSyntax.Times("row", layer.FanOut)}, {layer.FanOut})";
}
