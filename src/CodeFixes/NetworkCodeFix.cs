using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace Backprop.CodeFixes;

/// <summary>
/// What every fix here shares: each diagnostic is fixed by replacing one node of its document, and fixes of different
/// diagnostics never overlap, so "fix all" applies them in one batch.
/// </summary>
public abstract class NetworkCodeFix : CodeFixProvider
{
    /// <inheritdoc/>
    public sealed override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            await RegisterAsync(context, diagnostic, root).ConfigureAwait(false);
        }
    }

    /// <summary>Offers the fixes that apply to <paramref name="diagnostic"/>, if any.</summary>
    private protected abstract Task RegisterAsync(CodeFixContext context, Diagnostic diagnostic, SyntaxNode root);

    /// <summary>Offers replacing <paramref name="old"/> with <paramref name="replacement"/>; the key tells fixes of one diagnostic apart.</summary>
    private protected static void Offer(CodeFixContext context, Diagnostic diagnostic, string title, SyntaxNode old, SyntaxNode replacement, string key = "") =>
        context.RegisterCodeFix(
            CodeAction.Create(title, (CancellationToken cancellationToken) => NetworkDeclarationSyntax.ReplaceAsync(context.Document, old, replacement, cancellationToken), equivalenceKey: diagnostic.Id + key),
            diagnostic);
}
