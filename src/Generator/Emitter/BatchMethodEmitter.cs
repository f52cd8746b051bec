using Backprop.Generator.Model;

namespace Backprop.Generator.Emitter;

/// <summary>
/// Writes the public batch members (Predict, Loss, Gradient): validate every span up front, then run the private
/// passes block by block over the rows. Each has an overload taking an explicit workspace, for callers that manage
/// one per thread; the plain overload uses the calling thread's own.
/// </summary>
internal static class BatchMethodEmitter
{
    private const string Arguments = "global::Backprop.Kernels.BatchArguments";

    public static void EmitAll(SourceWriter writer, NetworkPlan plan)
    {
        EmitPredict(writer, plan);
        writer.WriteLine();
        EmitLoss(writer, plan);
        writer.WriteLine();
        EmitGradient(writer, plan);
    }

    private static void EmitPredict(SourceWriter writer, NetworkPlan plan)
    {
        ElementTypeSyntax t = plan.Element;
        string workspace = $"global::Backprop.Workspace<{t.Keyword}>";
        writer.WriteLines($"""
            /// <summary>
            /// Computes the outputs of k &gt;= 1 examples ({plan.DescribeShape()}; {plan.ForwardFlops} FLOPs per example).
            /// Safe to call from many threads at once while the parameters are not being written.
            /// </summary>
            /// <param name="inputs">k * <see cref="InputSize"/> values, one example per row.</param>
            /// <param name="outputs">k * <see cref="OutputSize"/> values; overwritten with the predictions. Must not overlap <paramref name="inputs"/>.</param>
            /// <exception cref="global::System.ArgumentException">A span length is not a whole, matching number of rows, or the spans overlap.</exception>
            public void Predict({t.ReadOnlySpan} inputs, {t.Span} outputs) =>
                Predict(inputs, outputs, {workspace}.ForCurrentThread);

            /// <summary>Computes the outputs of k &gt;= 1 examples, with the activations in <paramref name="workspace"/>.</summary>
            /// <param name="inputs">k * <see cref="InputSize"/> values, one example per row.</param>
            /// <param name="outputs">k * <see cref="OutputSize"/> values; overwritten with the predictions. Must not overlap <paramref name="inputs"/>.</param>
            /// <param name="workspace">Scratch memory; not to be shared by two threads at once.</param>
            /// <exception cref="global::System.ArgumentException">A span length is not a whole, matching number of rows, or the spans overlap.</exception>
            public void Predict({t.ReadOnlySpan} inputs, {t.Span} outputs, {workspace} workspace)
            """);
        writer.OpenBrace();
        writer.WriteLines($$"""
            int rows = {{Arguments}}.GetRowCount(inputs.Length, InputSize, nameof(inputs));
            {{Arguments}}.RequireLength(outputs.Length, rows * OutputSize, rows, nameof(outputs));
            {{Arguments}}.RequireNoOverlap<{{t.Keyword}}>(inputs, outputs, nameof(outputs));
            global::System.ArgumentNullException.ThrowIfNull(workspace);

            var buffer = workspace.GetSpan(ForwardWorkspaceLength);
            for (int start = 0; start < rows; start += BlockRows)
            {
                int count = global::System.Math.Min(BlockRows, rows - start);
                Forward(_parameters, inputs.Slice(start * InputSize, count * InputSize), count, buffer);
                buffer.Slice(A{{plan.Output.Index}}Offset, count * OutputSize).CopyTo(outputs.Slice(start * OutputSize, count * OutputSize));
            }
            """);
        writer.CloseBlock();
    }

    private static void EmitLoss(SourceWriter writer, NetworkPlan plan)
    {
        ElementTypeSyntax t = plan.Element;
        string workspace = $"global::Backprop.Workspace<{t.Keyword}>";
        writer.WriteLines($"""
            /// <summary>
            /// Computes the {plan.Spec.Loss} loss averaged over k &gt;= 1 examples. Safe to call from many threads at once
            /// while the parameters are not being written.
            /// </summary>
            /// <param name="inputs">k * <see cref="InputSize"/> values, one example per row.</param>
            /// <param name="targets">k * <see cref="OutputSize"/> values, one example per row.</param>
            /// <returns>The loss over the batch.</returns>
            /// <exception cref="global::System.ArgumentException">A span length is not a whole, matching number of rows.</exception>
            public {t.Keyword} Loss({t.ReadOnlySpan} inputs, {t.ReadOnlySpan} targets) =>
                Loss(inputs, targets, {workspace}.ForCurrentThread);

            /// <summary>Computes the {plan.Spec.Loss} loss averaged over k &gt;= 1 examples, with the activations in <paramref name="workspace"/>.</summary>
            /// <param name="inputs">k * <see cref="InputSize"/> values, one example per row.</param>
            /// <param name="targets">k * <see cref="OutputSize"/> values, one example per row.</param>
            /// <param name="workspace">Scratch memory; not to be shared by two threads at once.</param>
            /// <returns>The loss over the batch.</returns>
            /// <exception cref="global::System.ArgumentException">A span length is not a whole, matching number of rows.</exception>
            public {t.Keyword} Loss({t.ReadOnlySpan} inputs, {t.ReadOnlySpan} targets, {workspace} workspace)
            """);
        writer.OpenBrace();
        writer.WriteLines($$"""
            int rows = {{Arguments}}.GetRowCount(inputs.Length, InputSize, nameof(inputs));
            {{Arguments}}.RequireLength(targets.Length, rows * OutputSize, rows, nameof(targets));
            global::System.ArgumentNullException.ThrowIfNull(workspace);

            var buffer = workspace.GetSpan(ForwardWorkspaceLength);
            double lossSum = 0;
            for (int start = 0; start < rows; start += BlockRows)
            {
                int count = global::System.Math.Min(BlockRows, rows - start);
                Forward(_parameters, inputs.Slice(start * InputSize, count * InputSize), count, buffer);
                lossSum += LossSum(buffer, targets.Slice(start * OutputSize, count * OutputSize), count);
            }

            return ({{t.Keyword}})(lossSum / rows);
            """);
        writer.CloseBlock();
    }

    private static void EmitGradient(SourceWriter writer, NetworkPlan plan)
    {
        ElementTypeSyntax t = plan.Element;
        string workspace = $"global::Backprop.Workspace<{t.Keyword}>";
        bool squaredError = plan.Spec.Loss == LossFunction.MeanSquaredError;
        string lossCref = $"Loss(global::System.ReadOnlySpan{{{t.Keyword}}}, global::System.ReadOnlySpan{{{t.Keyword}}})";
        writer.WriteLines($"""
            /// <summary>
            /// Computes the {plan.Spec.Loss} loss over k &gt;= 1 examples and its gradient with respect to every parameter
            /// (backpropagation; {plan.TrainingFlops} FLOPs per example). Only reads the parameters, so it is safe to call
            /// from many threads at once while they are not being written.
            /// </summary>
            /// <param name="inputs">k * <see cref="InputSize"/> values, one example per row.</param>
            /// <param name="targets">k * <see cref="OutputSize"/> values, one example per row.</param>
            /// <param name="gradient"><see cref="ParameterCount"/> values in the layout of <see cref="Parameters"/>; overwritten with d loss / d parameters.</param>
            /// <returns>The loss over the batch, as <see cref="{lossCref}"/> computes it.</returns>
            /// <exception cref="global::System.ArgumentException">A span length does not match, or <paramref name="gradient"/> overlaps the parameters.</exception>
            public {t.Keyword} Gradient({t.ReadOnlySpan} inputs, {t.ReadOnlySpan} targets, {t.Span} gradient) =>
                Gradient(inputs, targets, gradient, {workspace}.ForCurrentThread);

            /// <summary>Computes the loss over k &gt;= 1 examples and its gradient, with the activations in <paramref name="workspace"/>.</summary>
            /// <param name="inputs">k * <see cref="InputSize"/> values, one example per row.</param>
            /// <param name="targets">k * <see cref="OutputSize"/> values, one example per row.</param>
            /// <param name="gradient"><see cref="ParameterCount"/> values in the layout of <see cref="Parameters"/>; overwritten with d loss / d parameters.</param>
            /// <param name="workspace">Scratch memory; not to be shared by two threads at once.</param>
            /// <returns>The loss over the batch.</returns>
            /// <exception cref="global::System.ArgumentException">A span length does not match, or <paramref name="gradient"/> overlaps the parameters.</exception>
            public {t.Keyword} Gradient({t.ReadOnlySpan} inputs, {t.ReadOnlySpan} targets, {t.Span} gradient, {workspace} workspace)
            """);
        writer.OpenBrace();
        writer.WriteLines($$"""
            int rows = {{Arguments}}.GetRowCount(inputs.Length, InputSize, nameof(inputs));
            {{Arguments}}.RequireLength(targets.Length, rows * OutputSize, rows, nameof(targets));
            {{Arguments}}.RequireLength(gradient.Length, ParameterCount, 0, nameof(gradient));
            {{Arguments}}.RequireNoOverlap<{{t.Keyword}}>(_parameters, gradient, nameof(gradient));
            global::System.ArgumentNullException.ThrowIfNull(workspace);

            var buffer = workspace.GetSpan(GradientWorkspaceLength);
            // d loss / d output of the batch mean: {{(squaredError ? "2/m for the squared error" : "1/m for the fused output and loss")}}.
            var outputScale = ({{t.Keyword}})({{(squaredError ? "2.0" : "1.0")}} / rows);
            double lossSum = 0;
            gradient.Clear();
            for (int start = 0; start < rows; start += BlockRows)
            {
                int count = global::System.Math.Min(BlockRows, rows - start);
                var blockInputs = inputs.Slice(start * InputSize, count * InputSize);
                var blockTargets = targets.Slice(start * OutputSize, count * OutputSize);
                Forward(_parameters, blockInputs, count, buffer);
                lossSum += LossSum(buffer, blockTargets, count);
                Backward(_parameters, blockInputs, blockTargets, count, buffer, gradient, outputScale);
            }

            return ({{t.Keyword}})(lossSum / rows);
            """);
        writer.CloseBlock();
    }
}
