using Backprop.Generator.Model;
using Backprop.Generator.Planning;

namespace Backprop.Generator.Emitter;

/// <summary>
/// Writes the per-block passes, <c>Forward</c>, <c>LossSum</c> and <c>Backward</c>, unrolled layer by layer with every
/// size a constant, on a private struct that implements <c>Backprop.Kernels.INetworkPasses</c>. The public members hand
/// that struct to <c>Backprop.Kernels.NetworkBatch</c>, which checks the spans and runs a batch block by block.
/// </summary>
internal static class PassEmitter
{
    public const string StructName = "Passes";

    private const string LossKernels = "global::Backprop.Kernels.LossKernels";

    // Compiled fully optimized on first call: a short training run or a first prediction would otherwise run these loops
    // in the JIT's unoptimized tier for its first hundreds of steps (ShortRunBenchmark measures both).
    internal const string Optimized = "[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]";

    public static void EmitPassesStruct(SourceWriter writer, NetworkPlan plan)
    {
        ElementTypeSyntax t = ElementTypeSyntax.Of(plan);
        string passes = $"global::Backprop.Kernels.INetworkPasses<{t.Keyword}>";
        bool squaredError = plan.Spec.Loss == LossFunction.MeanSquaredError;
        writer.WriteLine("// The passes over one block of rows. A struct, so that NetworkBatch's loop over the blocks is compiled for this");
        writer.WriteLine("// network alone, with direct calls to these methods.");
        writer.OpenBlock($"private readonly struct {StructName} : {passes}");
        writer.WriteLine($"static int {passes}.InputSize => InputSize;");
        writer.WriteLine($"static int {passes}.OutputSize => OutputSize;");
        writer.WriteLine($"static int {passes}.ParameterCount => ParameterCount;");
        writer.WriteLine($"static int {passes}.BlockRows => BlockRows;");
        writer.WriteLine($"static int {passes}.ForwardWorkspaceLength => ForwardWorkspaceLength;");
        writer.WriteLine($"static int {passes}.GradientWorkspaceLength => GradientWorkspaceLength;");
        writer.WriteLine($"static int {passes}.PredictWorkspaceLength => {(plan.Fused ? "0" : "ForwardWorkspaceLength")};");
        writer.WriteLine(squaredError
            ? $"static double {passes}.OutputGradientFactor => 2.0; // d (A - Y)^2 / dA = 2 (A - Y)"
            : $"static double {passes}.OutputGradientFactor => 1.0; // the fused output and loss: dZ = A - Y");
        writer.WriteLine();
        if (plan.Fused)
        {
            EmitLossSum(writer, plan, t);
            writer.WriteLine();
            FusedPassEmitter.EmitMembers(writer, plan);
            writer.CloseBlock();
            return;
        }

        EmitForward(writer, plan, t);
        writer.WriteLine();
        EmitLossSum(writer, plan, t);
        writer.WriteLine();
        EmitPredict(writer, plan, t);
        writer.WriteLine();
        EmitGradient(writer, t);
        writer.WriteLine();
        EmitBackward(writer, plan, t);
        writer.CloseBlock();
    }

    private static void EmitPredict(SourceWriter writer, NetworkPlan plan, ElementTypeSyntax t)
    {
        writer.WriteLine("// The block's outputs: the forward pass, then the last layer's A copied out.");
        writer.OpenBlock($"public static void Predict({t.ReadOnlySpan} parameters, {t.ReadOnlySpan} inputs, int rows, {t.Span} outputs, {t.Span} buffer)");
        writer.WriteLine("Forward(parameters, inputs, rows, buffer);");
        writer.WriteLine($"{BlockSlice($"A{plan.Output.Index}Offset", plan.OutputSize)}.CopyTo(outputs);");
        writer.CloseBlock();
    }

    private static void EmitGradient(SourceWriter writer, ElementTypeSyntax t)
    {
        writer.WriteLine("// One block of training: the forward pass, the block's loss, then the backward pass.");
        writer.OpenBlock($"public static double Gradient({t.ReadOnlySpan} parameters, {t.ReadOnlySpan} inputs, {t.ReadOnlySpan} targets, int rows, {t.Span} buffer, {t.Span} gradient, {t.Keyword} outputScale, bool firstBlock)");
        writer.WriteLine("Forward(parameters, inputs, rows, buffer);");
        writer.WriteLine("double lossSum = LossSum(buffer, targets, rows);");
        writer.WriteLine("Backward(parameters, inputs, targets, rows, buffer, gradient, outputScale, firstBlock);");
        writer.WriteLine("return lossSum;");
        writer.CloseBlock();
    }

    private static void EmitForward(SourceWriter writer, NetworkPlan plan, ElementTypeSyntax t)
    {
        writer.WriteLine("// Forward pass over one block of rows: leaves Z and A of every layer in the buffer.");
        writer.WriteLine(Optimized);
        writer.OpenBlock($"public static void Forward({t.ReadOnlySpan} parameters, {t.ReadOnlySpan} inputs, int rows, {t.Span} buffer)");
        if (plan.ForwardUsesLanes)
        {
            EmitLaneRows(writer);
        }

        string input = "inputs";
        foreach (LayerPlan layer in plan.Layers)
        {
            if (layer.Index > 1 || plan.ForwardUsesLanes)
            {
                writer.WriteLine();
            }

            writer.WriteLine($"// {layer.Describe()}. Z{layer.Index} = A{layer.Index - 1} * W{layer.Index}{(plan.Spec.Bias ? $" + b{layer.Index}" : string.Empty)}, {ActivationSyntax.Formula(layer)}.");
            writer.WriteLine($"var {layer.W} = parameters.Slice(W{layer.Index}Offset, {layer.WeightCount});");
            if (plan.Spec.Bias)
            {
                writer.WriteLine($"var {layer.B} = parameters.Slice(B{layer.Index}Offset, {layer.FanOut});");
            }

            writer.WriteLine($"var {layer.Z} = {BlockSlice($"Z{layer.Index}Offset", layer.FanOut)};");
            writer.WriteLine(layer.Activation == Activation.Identity
                ? $"var {layer.A} = {layer.Z};"
                : $"var {layer.A} = {BlockSlice($"A{layer.Index}Offset", layer.FanOut)};");
            ProductEmitter.EmitForward(writer, layer, input, plan.Spec.Bias);
            ActivationSyntax.EmitForward(writer, layer);
            input = layer.A;
        }

        writer.CloseBlock();
    }

    private static void EmitLossSum(SourceWriter writer, NetworkPlan plan, ElementTypeSyntax t)
    {
        LayerPlan output = plan.Output;
        writer.WriteLine("// The block's loss summed over its rows; NetworkBatch divides the batch total by m once.");
        writer.WriteLine(Optimized);
        writer.OpenBlock($"public static double LossSum({t.ReadOnlySpan} buffer, {t.ReadOnlySpan} targets, int rows)");
        string logits = BlockSlice($"Z{output.Index}Offset", output.FanOut);
        switch (plan.Spec.Loss)
        {
            case LossFunction.BinaryCrossEntropy:
                writer.WriteLine($"// Binary cross-entropy from the logits Z{output.Index}: stable for every finite input.");
                writer.WriteLine($"return {LossKernels}.SigmoidCrossEntropySum({logits}, targets);");
                break;
            case LossFunction.CrossEntropy:
                writer.WriteLine($"// Cross-entropy from the logits Z{output.Index} with log-sum-exp: stable for every finite input.");
                writer.WriteLine($"return {LossKernels}.SoftmaxCrossEntropySum({logits}, targets, {output.FanOut});");
                break;
            default:
                writer.WriteLine($"// Squared error: sum of (A{output.Index} - Y)^2.");
                writer.WriteLine($"return {LossKernels}.SquaredErrorSum({BlockSlice($"A{output.Index}Offset", output.FanOut)}, targets);");
                break;
        }

        writer.CloseBlock();
    }

    private static void EmitBackward(SourceWriter writer, NetworkPlan plan, ElementTypeSyntax t)
    {
        LayerPlan output = plan.Output;
        bool bias = plan.Spec.Bias;
        writer.WriteLine("// Backward pass over one block of rows (after Forward): adds the block's share of d loss / d parameters,");
        writer.WriteLine("// or, for the first block, writes it (so the gradient is never cleared beforehand).");
        writer.WriteLine(Optimized);
        writer.OpenBlock($"private static void Backward({t.ReadOnlySpan} parameters, {t.ReadOnlySpan} inputs, {t.ReadOnlySpan} targets, int rows, {t.Span} buffer, {t.Span} gradient, {t.Keyword} outputScale, bool firstBlock)");
        if (plan.BackwardUsesLanes)
        {
            EmitLaneRows(writer);
            writer.WriteLine();
        }

        writer.WriteLine(plan.Spec.Loss == LossFunction.MeanSquaredError
            ? $"// Mean squared error: dA{output.Index} = (2/m) (A{output.Index} - Y); outputScale is 2/m."
            : $"// {(plan.Spec.Loss == LossFunction.CrossEntropy ? "Softmax with cross-entropy" : "Sigmoid with binary cross-entropy")}, fused: dZ{output.Index} = (1/m) (A{output.Index} - Y); outputScale is 1/m.");
        writer.WriteLine($"var {output.A} = {BlockSlice($"A{output.Index}Offset", output.FanOut)};");
        writer.WriteLine($"var {output.DZ} = {BlockSlice(NetworkPlan.DeltaOffsetName(output.DeltaBuffer), output.FanOut)};");
        writer.WriteLine($"{LossKernels}.OutputGradient({output.A}, targets, outputScale, {output.DZ});");
        if (plan.Spec.Loss == LossFunction.MeanSquaredError)
        {
            ActivationSyntax.EmitBackward(writer, output, BlockSlice($"Z{output.Index}Offset", output.FanOut), output.A);
        }

        for (int i = plan.Layers.Count - 1; i >= 0; i--)
        {
            LayerPlan layer = plan.Layers[i];
            LayerPlan? previous = i > 0 ? plan.Layers[i - 1] : null;
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
                writer.WriteLine($"var {previous.A} = {BlockSlice($"A{previous.Index}Offset", previous.FanOut)};");
                writer.WriteLine($"var {previous.DZ} = {BlockSlice(NetworkPlan.DeltaOffsetName(previous.DeltaBuffer), previous.FanOut)};");
            }

            ProductEmitter.EmitBackward(writer, layer, previous?.A ?? "inputs", bias, previous?.DZ);
            if (previous is not null)
            {
                ActivationSyntax.EmitBackward(writer, previous, BlockSlice($"Z{previous.Index}Offset", previous.FanOut), previous.A);
            }
        }

        writer.CloseBlock();
    }

    private static void EmitLaneRows(SourceWriter writer) =>
        writer.WriteLine($"int {ProductEmitter.LaneRows} = global::Backprop.Kernels.LaneKernels.TiledRows(rows); // the rows that run eight at a time in vector lanes");

    // The block's rows of a layer's values in the workspace: rows * width values from the named offset.
    private static string BlockSlice(string offset, int width) => $"buffer.Slice({offset}, {SumSyntax.Times("rows", width)})";
}
