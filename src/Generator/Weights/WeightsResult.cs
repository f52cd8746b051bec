using Microsoft.CodeAnalysis;

namespace Backprop.Generator.Weights;

/// <summary>What reading a weights file gave: the parameters in the layout of docs/math.md, or why not.</summary>
internal sealed class WeightsResult
{
    private WeightsResult(double[]? parameters, DiagnosticDescriptor? problem, string detail)
    {
        Parameters = parameters;
        Problem = problem;
        Detail = detail;
    }

    public double[]? Parameters { get; }

    public DiagnosticDescriptor? Problem { get; }

    public string Detail { get; }

    public static WeightsResult Success(double[] parameters) => new(parameters, null, string.Empty);

    public static WeightsResult Failure(DiagnosticDescriptor problem, string detail) => new(null, problem, detail);
}
