using Backprop.Generator.Model;
using Backprop.Generator.Planning;

namespace Backprop.Generator.Emitter;

/// <summary>
/// Writes the public batch members (Predict, Loss, Gradient) with their documentation. Each hands the network's passes
/// (<see cref="PassEmitter"/>) to <c>Backprop.Kernels.NetworkBatch</c>, which checks every span up front and runs the
/// passes block by block over the rows. Each has an overload taking an explicit workspace, for callers that manage one
/// per thread; the plain overload uses the calling thread's own.
/// </summary>
internal static class BatchMethodEmitter
{
    private const string Batch = "global::Backprop.Kernels.NetworkBatch";

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
        ElementTypeSyntax t = ElementTypeSyntax.Of(plan);
        string workspace = $"global::Backprop.Workspace<{t.Keyword}>";
        writer.WriteLines($"""
            /// <summary>
            /// Computes the outputs of k &gt;= 1 examples ({plan.DescribeShape()}; {plan.ForwardFlops} FLOPs per example).
            /// Safe to call from many threads at once while the parameters are not being written.
            /// </summary>
            /// <param name="inputs">k * <see cref="InputSize"/> values, one example per row.</param>
            /// <param name="outputs">k * <see cref="OutputSize"/> values; overwritten with the predictions. Must not overlap <paramref name="inputs"/>.</param>
            /// <exception cref="global::System.ArgumentException">A span length is not a whole, matching number of rows, or the spans overlap.</exception>
            {(plan.Fused ? FusedPredict(plan, t) : $"public void Predict({t.ReadOnlySpan} inputs, {t.Span} outputs) =>\n    Predict(inputs, outputs, {workspace}.ForCurrentThread);")}

            /// <summary>Computes the outputs of k &gt;= 1 examples, with the activations in <paramref name="workspace"/>.</summary>
            /// <param name="inputs">k * <see cref="InputSize"/> values, one example per row.</param>
            /// <param name="outputs">k * <see cref="OutputSize"/> values; overwritten with the predictions. Must not overlap <paramref name="inputs"/>.</param>
            /// <param name="workspace">Scratch memory; not to be shared by two threads at once.</param>
            /// <exception cref="global::System.ArgumentException">A span length is not a whole, matching number of rows, or the spans overlap.</exception>
            public void Predict({t.ReadOnlySpan} inputs, {t.Span} outputs, {workspace} workspace) =>
            """);
        writer.Indent();
        writer.WriteLine($"{Batch}.Predict<{PassEmitter.StructName}, {t.Keyword}>(_parameters, inputs, outputs, workspace);");
        writer.Unindent();
    }

    // The fused kernel needs no workspace; one example goes straight to the one-row kernel, past the batch loop.
    private static string FusedPredict(NetworkPlan plan, ElementTypeSyntax t) => $$"""
        public void Predict({{t.ReadOnlySpan}} inputs, {{t.Span}} outputs)
        {
            if (inputs.Length == InputSize && outputs.Length == OutputSize && !global::System.MemoryExtensions.Overlaps(inputs, outputs))
            {
                {{PassEmitter.StructName}}.ForwardRow(_parameters, inputs, outputs{{(plan.LossUsesLogits ? ", default" : string.Empty)}});
                return;
            }

            {{Batch}}.Predict<{{PassEmitter.StructName}}, {{t.Keyword}}>(_parameters, inputs, outputs);
        }
        """;

    private static void EmitLoss(SourceWriter writer, NetworkPlan plan)
    {
        ElementTypeSyntax t = ElementTypeSyntax.Of(plan);
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
            public {t.Keyword} Loss({t.ReadOnlySpan} inputs, {t.ReadOnlySpan} targets, {workspace} workspace) =>
            """);
        writer.Indent();
        writer.WriteLine($"{Batch}.Loss<{PassEmitter.StructName}, {t.Keyword}>(_parameters, inputs, targets, workspace);");
        writer.Unindent();
    }

    private static void EmitGradient(SourceWriter writer, NetworkPlan plan)
    {
        ElementTypeSyntax t = ElementTypeSyntax.Of(plan);
        string workspace = $"global::Backprop.Workspace<{t.Keyword}>";
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
            public {t.Keyword} Gradient({t.ReadOnlySpan} inputs, {t.ReadOnlySpan} targets, {t.Span} gradient, {workspace} workspace) =>
            """);
        writer.Indent();
        writer.WriteLine($"{Batch}.Gradient<{PassEmitter.StructName}, {t.Keyword}>(_parameters, inputs, targets, gradient, workspace);");
        writer.Unindent();
    }
}
