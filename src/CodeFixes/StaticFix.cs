namespace Backprop.CodeFixes;

/// <summary>BPG010: removes <c>static</c> from the network class (the diagnostic sits on its name).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(StaticFix)), Shared]
public sealed class StaticFix : NetworkCodeFix
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.StaticNetwork.Id);

    private protected override Task RegisterAsync(CodeFixContext context, Diagnostic diagnostic, SyntaxNode root)
    {
        TypeDeclarationSyntax? type = NetworkDeclarationSyntax.TypeAt(root, diagnostic);
        int index = type?.Modifiers.IndexOf(SyntaxKind.StaticKeyword) ?? -1;
        if (type is not null && index >= 0)
        {
            Offer(context, diagnostic, $"Remove 'static' from '{type.Identifier.ValueText}'", type, WithoutStatic(type, index));
        }

        return Task.CompletedTask;
    }

    // The token after 'static' takes over its leading trivia (indentation, or a line break after attributes).
    private static TypeDeclarationSyntax WithoutStatic(TypeDeclarationSyntax type, int index)
    {
        SyntaxTriviaList leading = type.Modifiers[index].LeadingTrivia;
        TypeDeclarationSyntax removed = type.WithModifiers(type.Modifiers.RemoveAt(index));
        if (index < removed.Modifiers.Count)
        {
            return removed.WithModifiers(removed.Modifiers.Replace(removed.Modifiers[index], removed.Modifiers[index].WithLeadingTrivia(leading)));
        }

        return removed.WithKeyword(removed.Keyword.WithLeadingTrivia(leading));
    }
}
