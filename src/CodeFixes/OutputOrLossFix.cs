namespace Backprop.CodeFixes;

/// <summary>
/// BPG006 and BPG007 (the loss needs another output activation): two fixes, for the user to pick: make the output
/// activation the one the loss needs, or make the loss the one the output activation implies.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(OutputOrLossFix)), Shared]
public sealed class OutputOrLossFix : NetworkCodeFix
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.CrossEntropyNeedsSoftmax.Id, DiagnosticDescriptors.BinaryCrossEntropyNeedsSigmoid.Id);

    private protected override async Task RegisterAsync(CodeFixContext context, Diagnostic diagnostic, SyntaxNode root)
    {
        NetworkDeclarationSyntax? declaration = await NetworkDeclarationSyntax.FindAsync(context.Document, root, diagnostic, context.CancellationToken).ConfigureAwait(false);
        if (declaration?.Activations is not { Length: > 0 } values || values[values.Length - 1] is < 0 or > NetworkRules.LastActivation)
        {
            return;
        }

        var loss = (LossFunction)declaration.Loss;
        var output = (Activation)values[values.Length - 1];
        ExpressionSyntax? array = declaration.ArgumentValue("Activations");
        IReadOnlyList<ExpressionSyntax>? written = NetworkDeclarationSyntax.Elements(array);
        if (NetworkRules.OutputActivationFor(loss) is { } needed && array is not null && written is { Count: > 0 } && written.Count == values.Length)
        {
            ExpressionSyntax replacement = NetworkDeclarationSyntax.WithElements(array, written.Take(written.Count - 1).Append(NetworkDeclarationSyntax.Member(needed)));
            Offer(context, diagnostic, $"Make the output activation {needed}, as {loss} needs", array, replacement, "Output");
        }

        if (declaration.ArgumentValue("Loss") is { } lossValue)
        {
            LossFunction implied = NetworkRules.LossFor(output);
            Offer(context, diagnostic, $"Use LossFunction.{implied}, which fits the {output} output", lossValue, NetworkDeclarationSyntax.Member(implied), "Loss");
        }
    }
}
