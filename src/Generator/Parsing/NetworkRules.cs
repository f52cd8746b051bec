using System.Collections.Generic;
using System.Threading;
using Backprop.Generator.Diagnostics;
using Microsoft.CodeAnalysis;

namespace Backprop.Generator.Parsing;

/// <summary>
/// The rules a <c>[Network]</c> declaration must follow. Shared by the generator (which emits nothing for a broken
/// declaration) and the analyzer (which reports each problem), so the two can never disagree.
/// </summary>
internal static class NetworkRules
{
    /// <summary>The largest defined <see cref="Activation"/> value.</summary>
    public const int LastActivation = (int)Activation.Softmax;

    /// <summary>The largest defined <see cref="LossFunction"/> value.</summary>
    public const int LastLoss = (int)LossFunction.CrossEntropy;

    /// <summary>The output activation a loss needs (docs/math.md's fused gradients), or null when any will do.</summary>
    public static Activation? OutputActivationFor(LossFunction loss) => loss switch
    {
        LossFunction.CrossEntropy => Activation.Softmax,
        LossFunction.BinaryCrossEntropy => Activation.Sigmoid,
        _ => null,
    };

    /// <summary>The loss an output activation implies: the one that needs it, or mean squared error.</summary>
    public static LossFunction LossFor(Activation output) => output switch
    {
        Activation.Softmax => LossFunction.CrossEntropy,
        Activation.Sigmoid => LossFunction.BinaryCrossEntropy,
        _ => LossFunction.MeanSquaredError,
    };

    public static List<DeclarationProblem> FindProblems(INamedTypeSymbol type, NetworkDeclaration declaration, CancellationToken cancellationToken)
    {
        var problems = new List<DeclarationProblem>();
        CheckType(type, problems, cancellationToken);
        if (CheckLayers(type.Name, declaration, problems) && CheckActivations(type.Name, declaration, problems))
        {
            CheckLoss(type.Name, declaration, problems);
        }

        CheckElementType(type.Name, declaration, problems);
        return problems;
    }

    private static void CheckType(INamedTypeSymbol type, List<DeclarationProblem> problems, CancellationToken cancellationToken)
    {
        if (type.IsStatic)
        {
            problems.Add(new DeclarationProblem(DiagnosticDescriptors.StaticNetwork, ProblemSite.TypeName, type.Name));
        }

        if (type.TypeParameters.Length > 0)
        {
            problems.Add(new DeclarationProblem(DiagnosticDescriptors.GenericNetwork, ProblemSite.TypeName, type.Name));
        }

        if (!NetworkParser.IsPartial(type, cancellationToken))
        {
            problems.Add(new DeclarationProblem(DiagnosticDescriptors.NotPartial, ProblemSite.TypeName, type.Name));
        }

        for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            if (!NetworkParser.IsPartial(outer, cancellationToken))
            {
                problems.Add(new DeclarationProblem(DiagnosticDescriptors.ContainingTypeNotPartial, ProblemSite.ContainingTypeName, type.Name, outer.Name)
                {
                    ContainingType = outer,
                });
            }
        }
    }

    /// <returns>Whether the layer sizes are usable, so that the rules depending on them can be checked.</returns>
    private static bool CheckLayers(string name, NetworkDeclaration declaration, List<DeclarationProblem> problems)
    {
        int[]? layers = declaration.Layers;
        if (layers is null || layers.Length < 2)
        {
            problems.Add(new DeclarationProblem(DiagnosticDescriptors.TooFewLayers, layers is null ? ProblemSite.Attribute : ProblemSite.Argument, name, layers?.Length ?? 0)
            {
                ArgumentName = "Layers",
            });
            return false;
        }

        bool valid = true;
        for (int i = 0; i < layers.Length; i++)
        {
            if (layers[i] < 1)
            {
                problems.Add(new DeclarationProblem(DiagnosticDescriptors.LayerSizeNotPositive, ProblemSite.Argument, name, i, layers[i])
                {
                    ArgumentName = "Layers",
                    ElementIndex = i,
                });
                valid = false;
            }
        }

        return valid && CheckSize(name, layers, declaration.Bias, problems);
    }

    private static bool CheckSize(string name, int[] layers, bool bias, List<DeclarationProblem> problems)
    {
        string? reason = null;
        for (int i = 0; i < layers.Length && reason is null; i++)
        {
            if (layers[i] > DiagnosticDescriptors.MaxLayerSize)
            {
                reason = $"layer size {i} is {layers[i]}";
            }
        }

        if (reason is null && layers.Length - 1 > DiagnosticDescriptors.MaxWeightLayers)
        {
            reason = $"it has {layers.Length - 1} weight layers";
        }

        // Every size is within the limit here, so the count cannot overflow.
        long parameters = reason is null ? ParameterLayout.ParameterCount(layers, bias) : 0;
        if (reason is null && parameters > DiagnosticDescriptors.MaxParameterCount)
        {
            reason = $"it has {parameters} parameters";
        }

        if (reason is null)
        {
            return true;
        }

        problems.Add(new DeclarationProblem(DiagnosticDescriptors.NetworkTooLarge, ProblemSite.Argument, name, reason) { ArgumentName = "Layers" });
        return false;
    }

    /// <returns>Whether the activations are usable, so that the loss can be checked against the output activation.</returns>
    private static bool CheckActivations(string name, NetworkDeclaration declaration, List<DeclarationProblem> problems)
    {
        int weightLayers = declaration.Layers!.Length - 1;
        int[]? activations = declaration.Activations;
        if (activations is null || activations.Length != weightLayers)
        {
            problems.Add(new DeclarationProblem(DiagnosticDescriptors.ActivationCountMismatch, activations is null ? ProblemSite.Attribute : ProblemSite.Argument, name, weightLayers, activations?.Length ?? 0)
            {
                ArgumentName = "Activations",
            });
            return false;
        }

        bool valid = true;
        for (int i = 0; i < activations.Length; i++)
        {
            if (activations[i] < 0 || activations[i] > LastActivation)
            {
                problems.Add(new DeclarationProblem(DiagnosticDescriptors.UndefinedEnumValue, ProblemSite.Argument, name, nameof(Activation), activations[i])
                {
                    ArgumentName = "Activations",
                    ElementIndex = i,
                });
                valid = false;
            }
            else if (activations[i] == (int)Activation.Softmax && i != activations.Length - 1)
            {
                problems.Add(new DeclarationProblem(DiagnosticDescriptors.SoftmaxNotOnOutput, ProblemSite.Argument, name, i + 1)
                {
                    ArgumentName = "Activations",
                    ElementIndex = i,
                });
            }
        }

        return valid;
    }

    private static void CheckLoss(string name, NetworkDeclaration declaration, List<DeclarationProblem> problems)
    {
        var output = (Activation)declaration.Activations![declaration.Activations.Length - 1];
        if (declaration.Loss < 0 || declaration.Loss > LastLoss)
        {
            problems.Add(new DeclarationProblem(DiagnosticDescriptors.UndefinedEnumValue, ProblemSite.Argument, name, nameof(LossFunction), declaration.Loss) { ArgumentName = "Loss" });
        }
        else if (declaration.Loss == (int)LossFunction.CrossEntropy && output != OutputActivationFor(LossFunction.CrossEntropy))
        {
            problems.Add(new DeclarationProblem(DiagnosticDescriptors.CrossEntropyNeedsSoftmax, ProblemSite.Argument, name, output.ToString()) { ArgumentName = "Loss" });
        }
        else if (declaration.Loss == (int)LossFunction.BinaryCrossEntropy && output != OutputActivationFor(LossFunction.BinaryCrossEntropy))
        {
            problems.Add(new DeclarationProblem(DiagnosticDescriptors.BinaryCrossEntropyNeedsSigmoid, ProblemSite.Argument, name, output.ToString()) { ArgumentName = "Loss" });
        }
    }

    private static void CheckElementType(string name, NetworkDeclaration declaration, List<DeclarationProblem> problems)
    {
        if (declaration.ElementTypeIsDefault)
        {
            return;
        }

        SpecialType special = declaration.ElementType?.SpecialType ?? SpecialType.None;
        if (special != SpecialType.System_Single && special != SpecialType.System_Double)
        {
            string shown = declaration.ElementType?.ToDisplayString() ?? "null";
            problems.Add(new DeclarationProblem(DiagnosticDescriptors.UnsupportedElementType, ProblemSite.Argument, name, shown) { ArgumentName = "ElementType" });
        }
    }
}
