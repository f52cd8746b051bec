namespace Backprop.CodeFixes;

/// <summary>
/// BPG004 (the number of activations is not one per weight layer) and BPG005 (Softmax on a hidden layer): rewrite the
/// <c>Activations</c> array, keeping the entries the user wrote as they are spelled. Offered only where the array is
/// written out and the result is determined by what is already there (docs/diagnostics/BPG004.md, BPG005.md).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ActivationsFix)), Shared]
public sealed class ActivationsFix : NetworkCodeFix
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.ActivationCountMismatch.Id, DiagnosticDescriptors.SoftmaxNotOnOutput.Id);

    private protected override async Task RegisterAsync(CodeFixContext context, Diagnostic diagnostic, SyntaxNode root)
    {
        NetworkDeclarationSyntax? declaration = await NetworkDeclarationSyntax.FindAsync(context.Document, root, diagnostic, context.CancellationToken).ConfigureAwait(false);
        ExpressionSyntax? array = declaration?.ArgumentValue("Activations");
        IReadOnlyList<ExpressionSyntax>? written = NetworkDeclarationSyntax.Elements(array);
        if (declaration?.Activations is not { } values || array is null || written is null || written.Count != values.Length ||
            values.Any(value => value < 0 || value > NetworkRules.LastActivation))
        {
            return;
        }

        var entries = written.Select((syntax, i) => new Entry(syntax, (Activation)values[i])).ToList();
        if (diagnostic.Id == DiagnosticDescriptors.ActivationCountMismatch.Id)
        {
            if (declaration.LayerCount is int layers && OnePerLayer(entries, layers - 1, (LossFunction)declaration.Loss) is { } fixedEntries)
            {
                Offer(context, diagnostic, $"Use {layers - 1} activations, one per weight layer: {Describe(fixedEntries)}", array, Rebuilt(array, fixedEntries), "OnePerLayer");
            }

            return;
        }

        if (SoftmaxMoved(entries) is { } moved)
        {
            Offer(context, diagnostic, $"Move Softmax to the output layer: {Describe(moved)}", array, Rebuilt(array, moved), "MoveSoftmax");
        }

        if (SoftmaxReplaced(entries) is { } replaced)
        {
            Offer(context, diagnostic, $"Replace the hidden Softmax with {HiddenActivation(entries)}: {Describe(replaced)}", array, Rebuilt(array, replaced), "ReplaceSoftmax");
        }
    }

    /// <summary>
    /// Too many entries: the first hidden ones and the last (the output). Too few: the entries kept where they are, the
    /// hidden activation already used repeated for the missing hidden layers, and the output the user wrote last (a
    /// Softmax, Sigmoid or Identity, or what the loss needs) or else the one the loss needs (Identity for MSE).
    /// </summary>
    internal static List<Entry>? OnePerLayer(List<Entry> entries, int weightLayers, LossFunction loss)
    {
        if (entries.Count == 0 || weightLayers < 1)
        {
            return null;
        }

        if (entries.Count > weightLayers)
        {
            return entries.Take(weightLayers - 1).Append(entries[entries.Count - 1]).ToList();
        }

        Activation? needed = NetworkRules.OutputActivationFor(loss);
        Activation last = entries[entries.Count - 1].Activation;
        bool lastIsOutput = last == Activation.Softmax || last == needed ||
            (entries.Count >= 2 && last is Activation.Sigmoid or Activation.Identity);
        List<Entry> hidden = lastIsOutput ? entries.Take(entries.Count - 1).ToList() : entries.ToList();
        if (hidden.Count == 0)
        {
            return null; // Only an output activation: there is no hidden one to repeat.
        }

        Entry fill = hidden[hidden.Count - 1];
        Entry output = lastIsOutput ? entries[entries.Count - 1] : Entry.Of(needed ?? Activation.Identity);
        return hidden.Concat(Enumerable.Repeat(fill, weightLayers - 1 - hidden.Count)).Append(output).ToList();
    }

    /// <summary>Softmax on the output, and each hidden Softmax replaced by the hidden activation used elsewhere, or else by the old output.</summary>
    internal static List<Entry>? SoftmaxMoved(List<Entry> entries)
    {
        Entry output = entries[entries.Count - 1];
        Entry? replacement = Hidden(entries) ?? (output.Activation == Activation.Softmax ? null : output);
        if (replacement is null)
        {
            return null;
        }

        return entries.Take(entries.Count - 1).Select(entry => entry.Activation == Activation.Softmax ? replacement : entry)
            .Append(output.Activation == Activation.Softmax ? output : Entry.Of(Activation.Softmax)).ToList();
    }

    /// <summary>Each hidden Softmax replaced by the hidden activation used elsewhere, when there is one.</summary>
    internal static List<Entry>? SoftmaxReplaced(List<Entry> entries)
    {
        Entry? replacement = Hidden(entries);
        return replacement is null
            ? null
            : entries.Select((entry, i) => i < entries.Count - 1 && entry.Activation == Activation.Softmax ? replacement : entry).ToList();
    }

    private static Entry? Hidden(List<Entry> entries) => entries.Take(entries.Count - 1).FirstOrDefault(entry => entry.Activation != Activation.Softmax);

    private static Activation HiddenActivation(List<Entry> entries) => Hidden(entries)!.Activation;

    private static string Describe(List<Entry> entries) => "[" + string.Join(", ", entries.Select(entry => entry.Activation)) + "]";

    private static ExpressionSyntax Rebuilt(ExpressionSyntax array, List<Entry> entries) =>
        NetworkDeclarationSyntax.WithElements(array, entries.Select(entry => entry.Syntax));

    /// <summary>An activation and how it is written: the user's own syntax where it comes from the array.</summary>
    internal sealed class Entry
    {
        public Entry(ExpressionSyntax syntax, Activation activation)
        {
            Syntax = syntax;
            Activation = activation;
        }

        public ExpressionSyntax Syntax { get; }

        public Activation Activation { get; }

        public static Entry Of(Activation activation) => new(NetworkDeclarationSyntax.Member(activation), activation);
    }
}
