using Backprop.Generator.Model;

namespace Backprop.Generator.Emitter;

/// <summary>
/// Writes the private per-block passes: <c>Forward</c>, <c>LossSum</c> and <c>Backward</c>, unrolled layer by layer
/// with every size a constant. The public members split a batch into blocks of rows and call these.
/// </summary>
internal static class PassEmitter
{
    private const string Tensor = "global::System.Numerics.Tensors.TensorPrimitives";

    public static void EmitForward(SourceWriter writer, NetworkPlan plan)
    {
        ElementTypeSyntax t = plan.Element;
        writer.WriteLine("// Forward pass over one block of rows: leaves Z and A of every layer in the buffer.");
        writer.OpenBlock($"private static void Forward({t.ReadOnlySpan} parameters, {t.ReadOnlySpan} inputs, int rows, {t.Span} buffer)");
        string input = "inputs";
        foreach (LayerPlan layer in plan.Layers)
        {
            if (layer.Index > 1)
            {
                writer.WriteLine();
            }

            writer.WriteLine($"// {layer.Describe()}. Z{layer.Index} = A{layer.Index - 1} * W{layer.Index}{(plan.Spec.Bias ? $" + b{layer.Index}" : string.Empty)}, {ActivationSyntax.Formula(layer)}.");
            writer.WriteLine($"var {layer.W} = parameters.Slice(W{layer.Index}Offset, {layer.WeightCount});");
            if (plan.Spec.Bias)
            {
                writer.WriteLine($"var {layer.B} = parameters.Slice(B{layer.Index}Offset, {layer.FanOut});");
            }

            writer.WriteLine($"var {layer.Z} = buffer.Slice(Z{layer.Index}Offset, rows * {layer.FanOut});");
            if (layer.Activation == Activation.Identity)
            {
                writer.WriteLine($"var {layer.A} = {layer.Z};");
            }
            else
            {
                writer.WriteLine($"var {layer.A} = buffer.Slice(A{layer.Index}Offset, rows * {layer.FanOut});");
            }

            LayerKernels.EmitForwardProduct(writer, layer, input, plan.Spec.Bias, plan.Element == ElementTypeSyntax.Single);
            ActivationSyntax.EmitForward(writer, layer, t);
            input = layer.A;
        }

        writer.CloseBlock();
    }

    public static void EmitLossSum(SourceWriter writer, NetworkPlan plan)
    {
        ElementTypeSyntax t = plan.Element;
        LayerPlan output = plan.Output;
        writer.WriteLine("// The block's loss summed over its rows; the caller divides the batch total by m once.");
        writer.OpenBlock($"private static double LossSum({t.ReadOnlySpan} buffer, {t.ReadOnlySpan} targets, int rows)");
        switch (plan.Spec.Loss)
        {
            case LossFunction.BinaryCrossEntropy:
                writer.WriteLine($"// Binary cross-entropy from the logits Z{output.Index}: stable for every finite input.");
                writer.WriteLine($"return global::Backprop.Kernels.LossKernels.SigmoidCrossEntropySum(buffer.Slice(Z{output.Index}Offset, rows * {output.FanOut}), targets);");
                break;
            case LossFunction.CrossEntropy:
                writer.WriteLine($"// Cross-entropy from the logits Z{output.Index} with log-sum-exp: stable for every finite input.");
                writer.WriteLine($"return global::Backprop.Kernels.LossKernels.SoftmaxCrossEntropySum(buffer.Slice(Z{output.Index}Offset, rows * {output.FanOut}), targets, {output.FanOut});");
                break;
            default:
                writer.WriteLine($"// Squared error: sum of (A{output.Index} - Y)^2.");
                writer.WriteLine($"return global::Backprop.Kernels.LossKernels.SquaredErrorSum(buffer.Slice(A{output.Index}Offset, rows * {output.FanOut}), targets);");
                break;
        }

        writer.CloseBlock();
    }

    public static void EmitBackward(SourceWriter writer, NetworkPlan plan)
    {
        ElementTypeSyntax t = plan.Element;
        LayerPlan output = plan.Output;
        bool bias = plan.Spec.Bias;
        writer.WriteLine("// Backward pass over one block of rows (after Forward): adds the block's share of d loss / d parameters.");
        writer.OpenBlock($"private static void Backward({t.ReadOnlySpan} parameters, {t.ReadOnlySpan} inputs, {t.ReadOnlySpan} targets, int rows, {t.Span} buffer, {t.Span} gradient, {t.Keyword} outputScale)");

        if (plan.Spec.Loss == LossFunction.MeanSquaredError)
        {
            writer.WriteLine($"// Mean squared error: dA{output.Index} = (2/m) (A{output.Index} - Y); outputScale is 2/m.");
            EmitOutputSlices(writer, output);
            writer.WriteLine($"{Tensor}.Subtract({output.A}, targets, {output.DZ});");
            writer.WriteLine($"{Tensor}.Multiply({output.DZ}, outputScale, {output.DZ});");
            ActivationSyntax.EmitBackward(writer, output, $"buffer.Slice(Z{output.Index}Offset, rows * {output.FanOut})", output.A);
        }
        else
        {
            string pair = plan.Spec.Loss == LossFunction.CrossEntropy ? "Softmax with cross-entropy" : "Sigmoid with binary cross-entropy";
            writer.WriteLine($"// {pair}, fused: dZ{output.Index} = (1/m) (A{output.Index} - Y); outputScale is 1/m.");
            EmitOutputSlices(writer, output);
            writer.WriteLine($"{Tensor}.Subtract({output.A}, targets, {output.DZ});");
            writer.WriteLine($"{Tensor}.Multiply({output.DZ}, outputScale, {output.DZ});");
        }

        for (int i = plan.Layers.Count - 1; i >= 0; i--)
        {
            LayerPlan layer = plan.Layers[i];
            LayerPlan? previous = i > 0 ? plan.Layers[i - 1] : null;
            string input = previous is null ? "inputs" : previous.A;
            writer.WriteLine();
            string products = $"dW{layer.Index} += A{layer.Index - 1}^T dZ{layer.Index}"
                + (bias ? $", db{layer.Index} += column sums of dZ{layer.Index}" : string.Empty)
                + (previous is null ? " (no dA0: inputs need no gradient)" : $", dA{layer.Index - 1} = dZ{layer.Index} W{layer.Index}^T");
            writer.WriteLine($"// {layer.Describe()}. {products}.");
            if (previous is not null)
            {
                writer.WriteLine($"var {layer.W} = parameters.Slice(W{layer.Index}Offset, {layer.WeightCount});");
            }

            writer.WriteLine($"var g{layer.W} = gradient.Slice(W{layer.Index}Offset, {layer.WeightCount});");
            if (bias)
            {
                writer.WriteLine($"var g{layer.B} = gradient.Slice(B{layer.Index}Offset, {layer.FanOut});");
            }

            if (previous is not null)
            {
                writer.WriteLine($"var {previous.A} = buffer.Slice(A{previous.Index}Offset, rows * {previous.FanOut});");
                writer.WriteLine($"var {previous.DZ} = buffer.Slice({NetworkPlan.DeltaOffsetName(previous.DeltaBuffer)}, rows * {previous.FanOut});");
            }

            LayerKernels.EmitBackwardProducts(writer, layer, input, bias, previous?.DZ, plan.Element == ElementTypeSyntax.Single, plan.BlockRows);
            if (previous is not null)
            {
                ActivationSyntax.EmitBackward(writer, previous, $"buffer.Slice(Z{previous.Index}Offset, rows * {previous.FanOut})", previous.A);
            }
        }

        writer.CloseBlock();
    }

    private static void EmitOutputSlices(SourceWriter writer, LayerPlan output)
    {
        writer.WriteLine($"var {output.A} = buffer.Slice(A{output.Index}Offset, rows * {output.FanOut});");
        writer.WriteLine($"var {output.DZ} = buffer.Slice({NetworkPlan.DeltaOffsetName(output.DeltaBuffer)}, rows * {output.FanOut});");
    }
}
