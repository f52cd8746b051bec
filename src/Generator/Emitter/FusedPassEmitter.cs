using System.Collections.Generic;
using System.Linq;
using Backprop.Generator.Model;
using Backprop.Generator.Planning;

namespace Backprop.Generator.Emitter;

/// <summary>
/// Writes the passes of a fused network (<see cref="NetworkPlan.Fused"/>): a tile of eight rows, one per lane of a
/// 256-bit vector, goes through every layer, the loss derivative and the backward pass in registers, with the weights
/// broadcast and the gradient summed per lane until the end of the block. The rows left over (and every row on hardware
/// without 256-bit vectors) run the same statements on single floats: <see cref="TileForm"/> spells the few that differ,
/// and every value is computed by the same operations in the same order, so a row gives the same bits alone and in a tile.
/// </summary>
internal static class FusedPassEmitter
{
    private const string LaneMath = "global::Backprop.Kernels.LaneMath";
    private const string LaneKernels = "global::Backprop.Kernels.LaneKernels";
    private const string Vector = "global::System.Runtime.Intrinsics.Vector256";
    private const string Span = "global::System.Span<float>";
    private const string ReadOnlySpan = "global::System.ReadOnlySpan<float>";

    public static void EmitMembers(SourceWriter writer, NetworkPlan plan)
    {
        LayerPlan output = plan.Output;
        string blockOutputs = $"buffer.Slice(A{output.Index}Offset, {SumSyntax.Times("rows", output.FanOut)})";
        string blockLogits = $"buffer.Slice(Z{output.Index}Offset, {SumSyntax.Times("rows", output.FanOut)})";

        writer.WriteLine("// The block's outputs, written straight to the caller's span: no workspace.");
        writer.OpenBlock($"public static void Predict({ReadOnlySpan} parameters, {ReadOnlySpan} inputs, int rows, {Span} outputs, {Span} buffer)");
        writer.WriteLine($"RunForward(parameters, inputs, rows, outputs{(plan.LossUsesLogits ? ", default" : string.Empty)});");
        writer.CloseBlock();
        writer.WriteLine();
        writer.WriteLine(plan.LossUsesLogits
            ? $"// The block's outputs and logits Z{output.Index} into the workspace, for the block's loss."
            : "// The block's outputs into the workspace, for the block's loss.");
        writer.OpenBlock($"public static void Forward({ReadOnlySpan} parameters, {ReadOnlySpan} inputs, int rows, {Span} buffer)");
        writer.WriteLine($"RunForward(parameters, inputs, rows, {blockOutputs}{(plan.LossUsesLogits ? ", " + blockLogits : string.Empty)});");
        writer.CloseBlock();
        writer.WriteLine();
        EmitDispatch(writer, plan, backward: false);
        writer.WriteLine();
        writer.WriteLine("// One block of training: the gradient in the fused kernel, then the block's loss from the outputs it left. The");
        writer.WriteLine("// kernel adds into the gradient, so the first block clears it first.");
        writer.OpenBlock($"public static double Gradient({ReadOnlySpan} parameters, {ReadOnlySpan} inputs, {ReadOnlySpan} targets, int rows, {Span} buffer, {Span} gradient, float outputScale, bool firstBlock)");
        writer.OpenBlock("if (firstBlock)");
        writer.WriteLine("gradient.Clear();");
        writer.CloseBlock();
        writer.WriteLine();
        writer.WriteLine($"RunGradient(parameters, inputs, targets, rows, {blockOutputs}{(plan.LossUsesLogits ? ", " + blockLogits : string.Empty)}, gradient, outputScale);");
        writer.WriteLine("return LossSum(buffer, targets, rows);");
        writer.CloseBlock();
        writer.WriteLine();
        EmitDispatch(writer, plan, backward: true);
        foreach (TileForm form in new[] { TileForm.Lanes, TileForm.Row })
        {
            writer.WriteLine();
            EmitKernel(writer, plan, form, backward: false);
            writer.WriteLine();
            EmitKernel(writer, plan, form, backward: true);
        }
    }

    // RunForward / RunGradient: whole tiles in lanes, then the rows left over one at a time.
    private static void EmitDispatch(SourceWriter writer, NetworkPlan plan, bool backward)
    {
        string logitsParameter = plan.LossUsesLogits ? $", {Span} logits" : string.Empty;
        string logitsArgument = plan.LossUsesLogits ? ", logits" : string.Empty;
        int inputs = plan.InputSize;
        int outputs = plan.OutputSize;
        string name = backward ? "Gradient" : "Forward";
        string targets = backward ? $", {ReadOnlySpan} targets" : string.Empty;
        string gradient = backward ? $", {Span} gradient, float outputScale" : string.Empty;
        writer.WriteLine(backward
            ? "// Adds d loss / d parameters of the rows to the gradient and leaves their outputs (and logits) for the loss."
            : plan.LossUsesLogits ? "// The rows' outputs, and their logits when the span for them is not empty." : "// The rows' outputs.");
        writer.OpenBlock($"private static void Run{name}({ReadOnlySpan} parameters, {ReadOnlySpan} inputs{targets}, int rows, {Span} outputs{logitsParameter}{gradient})");
        writer.WriteLine($"int tiledRows = {LaneKernels}.TiledRows(rows); // whole tiles of eight rows, or 0 without 256-bit vectors");
        writer.OpenBlock("if (tiledRows > 0)");
        writer.WriteLine($"{name}Tiles(parameters, inputs{(backward ? ", targets" : string.Empty)}, tiledRows, outputs{logitsArgument}{(backward ? ", gradient, outputScale" : string.Empty)});");
        writer.CloseBlock();
        writer.WriteLine();
        writer.OpenBlock("for (int row = tiledRows; row < rows; row++)");
        string logitsRow = plan.LossUsesLogits
            ? backward ? $", logits.Slice({SumSyntax.Times("row", outputs)}, {outputs})" : $", logits.IsEmpty ? default : logits.Slice({SumSyntax.Times("row", outputs)}, {outputs})"
            : string.Empty;
        writer.WriteLine($"{name}Row(parameters, inputs.Slice({SumSyntax.Times("row", inputs)}, {inputs}){(backward ? $", targets.Slice({SumSyntax.Times("row", outputs)}, {outputs})" : string.Empty)}, outputs.Slice({SumSyntax.Times("row", outputs)}, {outputs}){logitsRow}{(backward ? ", gradient, outputScale" : string.Empty)});");
        writer.CloseBlock();
        writer.CloseBlock();
    }

    private static void EmitKernel(SourceWriter writer, NetworkPlan plan, TileForm form, bool backward)
    {
        int inputs = plan.InputSize;
        int outputs = plan.OutputSize;
        string name = (backward ? "Gradient" : "Forward") + (form.IsLanes ? "Tiles" : "Row");
        string logits = plan.LossUsesLogits ? $", {Span} {(form.IsLanes ? "logits" : "zo")}" : string.Empty;
        if (form.IsLanes)
        {
            string where = plan.FusedInRegisters ? "in registers" : "with each layer's values in stack spans";
            writer.WriteLine(backward
                ? $"// Eight rows per tile, one per lane: forward, loss derivative and backward {where}; the gradient summed per lane."
                : $"// Eight rows per tile, one per lane, through every layer {where}.");
            writer.WriteLine(PassEmitter.Optimized);
            writer.OpenBlock($"private static void {name}({ReadOnlySpan} parameters, {ReadOnlySpan} inputs{(backward ? $", {ReadOnlySpan} targets" : string.Empty)}, int tiledRows, {Span} outputs{logits}{(backward ? $", {Span} gradient, float outputScale" : string.Empty)})");
            writer.WriteLine("parameters = parameters.Slice(0, ParameterCount); // a constant length: no bounds check on a constant index");
            if (backward)
            {
                writer.WriteLine("// d loss / d parameters summed per lane over the tiles, in the layout of the parameters; added up once at the end.");
                writer.WriteLine($"{form.SpanType} g = stackalloc {form.ElementType}[ParameterCount];");
                writer.WriteLine("g.Clear(); // stackalloc memory is not zeroed under [SkipLocalsInit]");
                writer.WriteLine($"var scale = {Vector}.Create(outputScale);");
            }
            else if (plan.LossUsesLogits)
            {
                writer.WriteLine("bool storeLogits = !logits.IsEmpty;");
            }

            EmitLayerValues(writer, plan, form, backward);
            writer.OpenBlock($"for (int row = 0; row < tiledRows; row += {form.Rows})");
            writer.WriteLine($"var x = inputs.Slice({SumSyntax.Times("row", inputs)}, {form.Rows * inputs});");
            writer.WriteLine($"var o = outputs.Slice({SumSyntax.Times("row", outputs)}, {form.Rows * outputs});");
            if (backward)
            {
                writer.WriteLine($"var y = targets.Slice({SumSyntax.Times("row", outputs)}, {form.Rows * outputs});");
                if (plan.LossUsesLogits)
                {
                    writer.WriteLine($"var zo = logits.Slice({SumSyntax.Times("row", outputs)}, {form.Rows * outputs});");
                }
            }
        }
        else
        {
            writer.WriteLine(backward
                ? "// One row with the statements of a tile on single floats; the gradient added in directly."
                : "// One row with the statements of a tile on single floats, so that it gives the same bits as in a tile.");
            writer.WriteLine(PassEmitter.Optimized);
            writer.OpenBlock($"{(backward ? "private" : "public")} static void {name}({ReadOnlySpan} parameters, {ReadOnlySpan} x{(backward ? $", {ReadOnlySpan} y" : string.Empty)}, {Span} o{logits}{(backward ? $", {Span} g, float outputScale" : string.Empty)})");
            writer.WriteLine("parameters = parameters.Slice(0, ParameterCount); // a constant length: no bounds check on a constant index");
            writer.WriteLine($"x = x.Slice(0, {inputs});");
            if (backward)
            {
                writer.WriteLine($"y = y.Slice(0, {outputs});");
                writer.WriteLine("g = g.Slice(0, ParameterCount);");
            }

            EmitLayerValues(writer, plan, form, backward);
        }

        EmitForwardStatements(writer, plan, form, backward);
        if (backward)
        {
            EmitBackwardStatements(writer, plan, form);
        }

        if (form.IsLanes)
        {
            writer.CloseBlock();
            if (backward)
            {
                writer.WriteLine();
                writer.WriteLine($"{LaneKernels}.AddLaneSums(g, gradient);");
            }
        }

        writer.CloseBlock();
    }

    private static void EmitForwardStatements(SourceWriter writer, NetworkPlan plan, TileForm form, bool backward)
    {
        bool bias = plan.Spec.Bias;
        writer.WriteLine();
        writer.WriteLine($"// Inputs: {plan.InputSize} {form.ValueNoun}.");
        int column = 0;
        if (form.IsLanes)
        {
            for (; column + 8 <= plan.InputSize; column += 8)
            {
                string columns = string.Join(", ", Enumerable.Range(column, 8).Select(c => $"out var x{c}"));
                writer.WriteLine($"{LaneKernels}.Columns8(x, {plan.InputSize}, {column}, {columns});");
            }
        }

        for (; column < plan.InputSize; column++)
        {
            writer.WriteLine($"var x{column} = {form.Load("x", plan.InputSize, column)};");
        }

        foreach (LayerPlan layer in plan.Layers)
        {
            writer.WriteLine();
            writer.WriteLine($"// {layer.Describe()}. Z{layer.Index} = A{layer.Index - 1} * W{layer.Index}{(bias ? $" + b{layer.Index}" : string.Empty)}, {ActivationSyntax.Formula(layer)}.");
            for (int j = 0; j < layer.FanOut; j++)
            {
                var products = Enumerable.Range(0, layer.FanIn)
                    .Select(k => (Input(plan, layer, k), $"parameters[W{layer.Index}Offset + {(k * layer.FanOut) + j}]"))
                    .ToList();
                EmitSum(writer, plan, ZAt(plan, layer, j), bias ? form.Broadcast($"parameters[B{layer.Index}Offset + {j}]") : null, products, result => result);
            }

            EmitActivation(writer, plan, layer);
        }

        LayerPlan output = plan.Output;
        writer.WriteLine();
        for (int j = 0; j < output.FanOut; j++)
        {
            writer.WriteLine(form.Store("o", output.FanOut, j, AAt(plan, output, j)));
        }

        if (plan.LossUsesLogits)
        {
            if (!backward && form.IsLanes)
            {
                writer.OpenBlock("if (storeLogits)");
                writer.WriteLine($"var zo = logits.Slice({SumSyntax.Times("row", output.FanOut)}, {form.Rows * output.FanOut});");
            }
            else if (!backward)
            {
                writer.OpenBlock("if (!zo.IsEmpty)");
            }

            for (int j = 0; j < output.FanOut; j++)
            {
                writer.WriteLine(form.Store("zo", output.FanOut, j, ZAt(plan, output, j)));
            }

            if (!backward)
            {
                writer.CloseBlock();
            }
        }
    }

    private static void EmitActivation(SourceWriter writer, NetworkPlan plan, LayerPlan layer)
    {
        string? function = layer.Activation switch
        {
            Activation.ReLU => "Relu",
            Activation.LeakyReLU => "LeakyRelu",
            Activation.Sigmoid => "Sigmoid",
            Activation.Tanh => "Tanh",
            Activation.Softmax => "Softmax",
            _ => null,
        };
        if (function is null)
        {
            return;
        }

        if (!plan.FusedInRegisters)
        {
            writer.WriteLine($"{LaneMath}.{function}({Z(layer)}, {A(layer)});");
            return;
        }

        if (layer.Activation != Activation.Softmax)
        {
            for (int j = 0; j < layer.FanOut; j++)
            {
                writer.WriteLine($"var {AAt(plan, layer, j)} = {LaneMath}.{function}({ZAt(plan, layer, j)});");
            }

            return;
        }

        // Softmax, with the row's largest logit subtracted first so that every finite row stays finite: the operations
        // of LaneMath.Softmax over a layer's span, unit by unit.
        string max = ZAt(plan, layer, 0);
        for (int j = 1; j < layer.FanOut; j++)
        {
            max = $"{LaneMath}.Max({max}, {ZAt(plan, layer, j)})";
        }

        writer.WriteLine($"var max{layer.Index} = {max};");
        for (int j = 0; j < layer.FanOut; j++)
        {
            writer.WriteLine($"var {AAt(plan, layer, j)} = {LaneMath}.Exp({ZAt(plan, layer, j)} - max{layer.Index});");
        }

        string sum = AAt(plan, layer, 0);
        for (int j = 1; j < layer.FanOut; j++)
        {
            sum = $"({sum} + {AAt(plan, layer, j)})";
        }

        writer.WriteLine($"var sum{layer.Index} = {sum};");
        for (int j = 0; j < layer.FanOut; j++)
        {
            writer.WriteLine($"{AAt(plan, layer, j)} /= sum{layer.Index};");
        }
    }

    private static void EmitBackwardStatements(SourceWriter writer, NetworkPlan plan, TileForm form)
    {
        LayerPlan output = plan.Output;
        bool bias = plan.Spec.Bias;
        writer.WriteLine();
        bool squaredError = plan.Spec.Loss == LossFunction.MeanSquaredError;
        writer.WriteLine(squaredError
            ? $"// Mean squared error: dA{output.Index} = (2/m) (A{output.Index} - Y), then dZ{output.Index} = dA{output.Index} (*) g'; {form.Scale} is 2/m."
            : $"// {(plan.Spec.Loss == LossFunction.CrossEntropy ? "Softmax with cross-entropy" : "Sigmoid with binary cross-entropy")}, fused: dZ{output.Index} = (1/m) (A{output.Index} - Y); {form.Scale} is 1/m.");
        for (int j = 0; j < output.FanOut; j++)
        {
            string dA = $"({AAt(plan, output, j)} - {form.Load("y", output.FanOut, j)}) * {form.Scale}";
            writer.WriteLine($"{Target(plan, DZAt(plan, output, j))} = {(squaredError ? Derivative(plan, output, j, dA) : dA)};");
        }

        for (int i = plan.Layers.Count - 1; i >= 0; i--)
        {
            LayerPlan layer = plan.Layers[i];
            LayerPlan? previous = i > 0 ? plan.Layers[i - 1] : null;
            writer.WriteLine();
            writer.WriteLine($"// {layer.Describe()}. dW{layer.Index} += A{layer.Index - 1}^T dZ{layer.Index}"
                + (bias ? $", db{layer.Index} += dZ{layer.Index}" : string.Empty)
                + (previous is null ? " (no dA0: inputs need no gradient)." : $", dZ{layer.Index - 1} = (dZ{layer.Index} W{layer.Index}^T) (*) g'(Z{layer.Index - 1})."));
            for (int k = 0; k < layer.FanIn; k++)
            {
                // An input from a layer's span is read once for its row of dW.
                string input = Input(plan, layer, k);
                bool local = previous is null || layer.FanOut == 1 || plan.FusedInRegisters;
                if (!local)
                {
                    writer.OpenBrace();
                    writer.WriteLine($"var input = {input};");
                    input = "input";
                }

                for (int j = 0; j < layer.FanOut; j++)
                {
                    string index = $"g[W{layer.Index}Offset + {(k * layer.FanOut) + j}]";
                    writer.WriteLine(plan.FusedInRegisters
                        ? $"{index} = {LaneMath}.MultiplyAdd({input}, {DZAt(plan, layer, j)}, {index});"
                        : $"{index} += {input} * {DZAt(plan, layer, j)};");
                }

                if (!local)
                {
                    writer.CloseBlock();
                }
            }

            if (bias)
            {
                for (int j = 0; j < layer.FanOut; j++)
                {
                    writer.WriteLine($"g[B{layer.Index}Offset + {j}] += {DZAt(plan, layer, j)};");
                }
            }

            if (previous is not null)
            {
                for (int k = 0; k < layer.FanIn; k++)
                {
                    var products = Enumerable.Range(0, layer.FanOut)
                        .Select(j => (DZAt(plan, layer, j), $"parameters[W{layer.Index}Offset + {(k * layer.FanOut) + j}]"))
                        .ToList();
                    int unit = k;
                    EmitSum(writer, plan, DZAt(plan, previous, k), null, products, dA => Derivative(plan, previous, unit, dA), partial: $"da{previous.Index}_{k}");
                }
            }
        }
    }

    /// <summary>
    /// Sets <paramref name="target"/> to <paramref name="finish"/>(<paramref name="start"/> + the sum of the products), in a
    /// block of its own so that its partial sums are locals of that block. From four products on, as two chains (even and
    /// odd terms) added at the end: half the dependent additions, which bounds a single row's time, and twice the chains
    /// in flight for a tile. Multiply and add, not fused: operators are intrinsics, never calls, however large the kernel
    /// grows past the JIT's inlining budget, and they give the same bits on every processor.
    /// </summary>
    private static void EmitSum(SourceWriter writer, NetworkPlan plan, string target, string? start, IReadOnlyList<(string Value, string Weight)> products, System.Func<string, string> finish, string? partial = null)
    {
        // In registers the partial sums are named after the value (z1_0_sum, or da1_0 for an input gradient); in spans
        // they are the locals of a block.
        bool registers = plan.FusedInRegisters;
        bool split = products.Count >= 4;
        bool direct = registers && !split && finish("x") == "x"; // the sum is the value itself: z1_0 += ...
        string sum = direct ? target : registers ? partial ?? target + "_sum" : "sum";
        string second = registers ? (partial ?? target) + "_odd" : "odd";
        int next = 0;
        if (!registers)
        {
            writer.OpenBrace();
        }

        if (start is not null)
        {
            writer.WriteLine($"var {sum} = {start};");
        }
        else
        {
            writer.WriteLine($"var {sum} = {products[0].Value} * {products[0].Weight};");
            next = 1;
        }

        if (split)
        {
            writer.WriteLine($"var {second} = {products[next + 1].Value} * {products[next + 1].Weight};");
        }

        for (int k = next; k < products.Count; k++)
        {
            bool odd = split && (k - next) % 2 == 1;
            if (odd && k == next + 1)
            {
                continue; // the second chain's first product
            }

            writer.WriteLine($"{(odd ? second : sum)} += {products[k].Value} * {products[k].Weight};");
        }

        if (!direct)
        {
            writer.WriteLine($"{Target(plan, target)} = {finish(split ? $"{sum} + {second}" : sum)};");
        }

        if (!registers)
        {
            writer.CloseBlock();
        }
    }

    // Each layer's values of a tile (or a row) in stack memory, one span per kind: Z, A (not for Identity, whose A is Z)
    // and, for training, dZ. Kept out of locals so that a kernel's local count stays small whatever the widths, and the
    // JIT keeps inlining the element functions into it.
    private static void EmitLayerValues(SourceWriter writer, NetworkPlan plan, TileForm form, bool backward)
    {
        if (plan.FusedInRegisters)
        {
            return;
        }

        foreach (LayerPlan layer in plan.Layers)
        {
            writer.WriteLine($"{form.SpanType} {Z(layer)} = stackalloc {form.ElementType}[{layer.FanOut}];");
            if (layer.Activation != Activation.Identity)
            {
                writer.WriteLine($"{form.SpanType} {A(layer)} = stackalloc {form.ElementType}[{layer.FanOut}];");
            }

            if (backward)
            {
                writer.WriteLine($"{form.SpanType} {DZ(layer)} = stackalloc {form.ElementType}[{layer.FanOut}];");
            }
        }
    }

    // dZ = dA (*) g'(Z) for unit j, as LaneMath writes each derivative.
    private static string Derivative(NetworkPlan plan, LayerPlan layer, int j, string dA) => layer.Activation switch
    {
        Activation.ReLU => $"{LaneMath}.ReluBackward({ZAt(plan, layer, j)}, {dA})",
        Activation.LeakyReLU => $"{LaneMath}.LeakyReluBackward({ZAt(plan, layer, j)}, {dA})",
        Activation.Sigmoid => $"{LaneMath}.SigmoidBackward({AAt(plan, layer, j)}, {dA})",
        Activation.Tanh => $"{LaneMath}.TanhBackward({AAt(plan, layer, j)}, {dA})",
        _ => dA, // Identity (a Softmax output is fused with its cross-entropy and never gets here)
    };

    private static string Input(NetworkPlan plan, LayerPlan layer, int k) =>
        layer.Index == 1 ? "x" + k : AAt(plan, plan.Layers[layer.Index - 2], k);

    private static string Z(LayerPlan layer) => "z" + layer.Index;

    private static string A(LayerPlan layer) => layer.Activation == Activation.Identity ? Z(layer) : "a" + layer.Index;

    private static string DZ(LayerPlan layer) => "dz" + layer.Index;

    // Unit j's value: a local of its own in registers (z1_0), or an element of the layer's span (z1[0]).
    private static string ZAt(NetworkPlan plan, LayerPlan layer, int j) => At(plan, Z(layer), j);

    private static string AAt(NetworkPlan plan, LayerPlan layer, int j) => At(plan, A(layer), j);

    private static string DZAt(NetworkPlan plan, LayerPlan layer, int j) => At(plan, DZ(layer), j);

    private static string At(NetworkPlan plan, string values, int j) => plan.FusedInRegisters ? $"{values}_{j}" : $"{values}[{j}]";

    // The left side that sets a unit's value: a new local, or the span element.
    private static string Target(NetworkPlan plan, string value) => plan.FusedInRegisters ? "var " + value : value;

    /// <summary>How the statements of the fused kernel are spelled for a tile of rows in lanes, or for a single row.</summary>
    private sealed class TileForm
    {
        public static readonly TileForm Lanes = new(isLanes: true);
        public static readonly TileForm Row = new(isLanes: false);

        private TileForm(bool isLanes) => IsLanes = isLanes;

        public bool IsLanes { get; }

        /// <summary>The rows computed at once.</summary>
        public int Rows => IsLanes ? 8 : 1;

        public string ValueNoun => IsLanes ? "vectors, one row per lane" : "floats";

        /// <summary>The local holding d loss / d output, before the activation's derivative.</summary>
        public string Scale => IsLanes ? "scale" : "outputScale";

        public string Load(string span, int width, int column) =>
            IsLanes ? $"{LaneKernels}.Column({span}, {width}, {column})" : $"{span}[{column}]";

        public string Store(string span, int width, int column, string value) =>
            IsLanes ? $"{LaneKernels}.SetColumn({span}, {width}, {column}, {value});" : $"{span}[{column}] = {value};";

        public string Broadcast(string value) => IsLanes ? $"{Vector}.Create({value})" : value;

        public string ElementType => IsLanes ? "global::System.Runtime.Intrinsics.Vector256<float>" : "float";

        public string SpanType => $"global::System.Span<{ElementType}>";
    }
}
