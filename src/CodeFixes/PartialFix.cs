namespace Backprop.CodeFixes;

/// <summary>
/// BPG001 and BPG011: adds <c>partial</c> to the network class, or to the type it is nested in. Both diagnostics sit on
/// the type's name.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(PartialFix)), Shared]
public sealed class PartialFix : NetworkCodeFix
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.NotPartial.Id, DiagnosticDescriptors.ContainingTypeNotPartial.Id);

    private protected override Task RegisterAsync(CodeFixContext context, Diagnostic diagnostic, SyntaxNode root)
    {
        TypeDeclarationSyntax? type = NetworkDeclarationSyntax.TypeAt(root, diagnostic);
        if (type is not null && !type.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            Offer(context, diagnostic, $"Make '{type.Identifier.ValueText}' partial", type, WithPartial(type));
        }

        return Task.CompletedTask;
    }

    // 'partial' goes last among the modifiers, right before the 'class' (or 'struct', 'record') keyword, as C# requires.
    private static TypeDeclarationSyntax WithPartial(TypeDeclarationSyntax type)
    {
        if (type.Modifiers.Count == 0)
        {
            SyntaxToken keyword = type.Keyword;
            SyntaxToken partial = SyntaxFactory.Token(keyword.LeadingTrivia, SyntaxKind.PartialKeyword, SyntaxFactory.TriviaList(SyntaxFactory.Space));
            return type.WithKeyword(keyword.WithLeadingTrivia()).WithModifiers(SyntaxFactory.TokenList(partial));
        }

        return type.WithModifiers(type.Modifiers.Add(SyntaxFactory.Token(SyntaxKind.PartialKeyword).WithTrailingTrivia(SyntaxFactory.Space)));
    }
}
