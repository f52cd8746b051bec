using System;
using System.Numerics;

namespace Backprop;

/// <summary>
/// The seeded weight initializers of <c>docs/math.md</c>. Each weight is <c>(2u - 1) * bound</c> for the next uniform
/// <c>u</c> of a <see cref="SeededRandom"/>, computed in <see cref="double"/> and rounded once to the element type,
/// so results are bit-identical everywhere.
/// </summary>
public static class ParameterInitializer
{
    /// <summary>Glorot (Xavier) uniform: bound <c>sqrt(6 / (fanIn + fanOut))</c>.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="weights">The weights to overwrite, in order.</param>
    /// <param name="fanIn">The layer's input count <c>n(l-1)</c>.</param>
    /// <param name="fanOut">The layer's output count <c>n(l)</c>.</param>
    /// <param name="random">The generator, advanced by one draw per weight.</param>
    public static void GlorotUniform<T>(Span<T> weights, int fanIn, int fanOut, ref SeededRandom random)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Uniform(weights, Math.Sqrt(6.0 / (fanIn + fanOut)), ref random);

    /// <summary>He (Kaiming) uniform, for ReLU-family layers: bound <c>sqrt(6 / fanIn)</c>.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="weights">The weights to overwrite, in order.</param>
    /// <param name="fanIn">The layer's input count <c>n(l-1)</c>.</param>
    /// <param name="random">The generator, advanced by one draw per weight.</param>
    public static void HeUniform<T>(Span<T> weights, int fanIn, ref SeededRandom random)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Uniform(weights, Math.Sqrt(6.0 / fanIn), ref random);

    /// <summary>Fills <paramref name="weights"/> with values uniform in <c>[-bound, bound)</c>.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="weights">The weights to overwrite, in order.</param>
    /// <param name="bound">The half-width of the interval.</param>
    /// <param name="random">The generator, advanced by one draw per weight.</param>
    public static void Uniform<T>(Span<T> weights, double bound, ref SeededRandom random)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = T.CreateChecked(((2.0 * random.NextDouble()) - 1.0) * bound);
        }
    }
}
