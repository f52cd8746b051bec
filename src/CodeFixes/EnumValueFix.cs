using System;

namespace Backprop.CodeFixes;

/// <summary>
/// BPG013 (a number cast to <see cref="Activation"/> or <see cref="LossFunction"/> that names no member): replaces the
/// value with the defined member nearest to it, such as <c>(Activation)7</c> with <c>Activation.Softmax</c>.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(EnumValueFix)), Shared]
public sealed class EnumValueFix : NetworkCodeFix
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.UndefinedEnumValue.Id);

    private protected override async Task RegisterAsync(CodeFixContext context, Diagnostic diagnostic, SyntaxNode root)
    {
        SemanticModel? model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not ExpressionSyntax value ||
            model?.GetConstantValue(value, context.CancellationToken) is not { HasValue: true, Value: int number })
        {
            return;
        }

        string? argument = value.AncestorsAndSelf().OfType<AttributeArgumentSyntax>().FirstOrDefault()?.NameEquals?.Name.Identifier.ValueText;
        (ExpressionSyntax Syntax, string Name)? nearest = argument switch
        {
            "Activations" => Named((Activation)Math.Min(Math.Max(number, 0), NetworkRules.LastActivation)),
            "Loss" => Named((LossFunction)Math.Min(Math.Max(number, 0), NetworkRules.LastLoss)),
            _ => null,
        };
        if (nearest is { } member)
        {
            Offer(context, diagnostic, $"Replace {value} with {member.Name}, the nearest defined value", value, member.Syntax);
        }
    }

    private static (ExpressionSyntax, string) Named(Activation activation) => (NetworkDeclarationSyntax.Member(activation), $"{nameof(Activation)}.{activation}");

    private static (ExpressionSyntax, string) Named(LossFunction loss) => (NetworkDeclarationSyntax.Member(loss), $"{nameof(LossFunction)}.{loss}");
}
