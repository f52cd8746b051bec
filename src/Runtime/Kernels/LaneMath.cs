using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Kernels;

/// <summary>
/// The element functions of float networks, each written twice with the same operations in the same order: once for one
/// value and once for eight values in the lanes of a <see cref="Vector256{T}"/>. A row computed alone therefore gives the
/// same bits as the same row computed in a lane of a tile, wherever it falls in a batch, without padding it to a vector.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Exp(float)"/> reduces <c>x = n ln 2 + r</c> with <c>|r| &lt;= ln 2 / 2</c> (Cody and Waite, two-part
/// ln 2), evaluates a degree-7 polynomial for <c>e^r</c> (the coefficients of Cephes' <c>expf</c>, by Estrin's scheme) and scales by
/// <c>2^n</c> in two exact steps, so that results down in the subnormal range are rounded once. <see cref="Tanh(float)"/>
/// uses Cephes' odd polynomial below |x| = 0.625 and <c>1 - 2 / (e^2|x| + 1)</c> above; <see cref="Sigmoid(float)"/> is
/// <c>1 / (1 + e^-x)</c> for x &gt;= 0 and <c>e^x / (1 + e^x)</c> below, so that it never overflows.
/// </para>
/// <para>
/// Accuracy, measured against double-precision references over a sweep of every 193rd float bit pattern plus every
/// special value (LaneMathTests): Exp within 1.01 ulp, Sigmoid within 2.5 ulp, Tanh within 2 ulp, subnormal results
/// included. ±inf, NaN, ±0 and subnormal inputs give the limits (exp: +inf, 0, NaN, 1; sigmoid: 1, 0, NaN, 0.5; tanh:
/// ±1, NaN, ±0, the input itself).
/// </para>
/// <para>
/// Multiply-adds are fused where the processor has FMA (one rounding), in both forms, so each machine gives the same bits
/// for a value alone and in a lane; without FMA both forms multiply and add.
/// </para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)] // called by generated code, not meant for users
public static partial class LaneMath
{
    private const float Log2E = 1.44269504088896341f;
    private const float RoundingShift = 12582912f; // 1.5 * 2^23: adding it rounds |v| < 2^22 to an integer
    private const float Ln2High = 0.693145751953125f; // 16 significant bits, so n * Ln2High is exact for |n| <= 256
    private const float Ln2Low = 1.428606765330187045e-6f;

    // Above 88.8, e^x overflows; below -104, it rounds to 0. Clamping keeps n in [-150, 128].
    private const float ExpMaxInput = 88.8f;
    private const float ExpMinInput = -104f;

    private const float P0 = 1.9875691500e-4f;
    private const float P1 = 1.3981999507e-3f;
    private const float P2 = 8.3334519073e-3f;
    private const float P3 = 4.1665795894e-2f;
    private const float P4 = 1.6666665459e-1f;
    private const float P5 = 5.0000001201e-1f;

    private const float TanhPolynomialLimit = 0.625f;
    private const float T0 = -5.70498872745e-3f;
    private const float T1 = 2.06390887954e-2f;
    private const float T2 = -5.37397155531e-2f;
    private const float T3 = 1.33314422036e-1f;
    private const float T4 = -3.33332819422e-1f;

    private const float LeakySlope = 0.01f;

    /// <summary>e^x.</summary>
    /// <param name="x">Any float.</param>
    /// <returns>e^x within 1.01 ulp.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Exp(float x)
    {
        x = ClampExpInput(x);
        float shifted = MultiplyAdd(x, Log2E, RoundingShift);
        float n = shifted - RoundingShift;
        float r = MultiplyAdd(n, -Ln2High, x);
        r = MultiplyAdd(n, -Ln2Low, r);

        // The polynomial by Estrin's scheme: three independent pairs, then two levels, for a short dependency chain.
        float r2 = r * r;
        float r4 = r2 * r2;
        float q = MultiplyAdd(MultiplyAdd(P0, r, P1), r4, MultiplyAdd(MultiplyAdd(P2, r, P3), r2, MultiplyAdd(P4, r, P5)));
        float p = MultiplyAdd(q, r2, r) + 1f;
        int exponent = BitConverter.SingleToInt32Bits(shifted) - BitConverter.SingleToInt32Bits(RoundingShift);
        int half = exponent >> 1;
        float first = BitConverter.Int32BitsToSingle((half + 127) << 23);
        float second = BitConverter.Int32BitsToSingle((exponent - half + 127) << 23);
        return p * first * second;
    }

    /// <summary>e^x in each lane: the same operations as <see cref="Exp(float)"/>.</summary>
    /// <param name="x">Eight floats.</param>
    /// <returns>e^x of each lane.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        x = ClampExpInput(x);
        Vector256<float> shifted = MultiplyAdd(x, Vector256.Create(Log2E), Vector256.Create(RoundingShift));
        Vector256<float> n = shifted - Vector256.Create(RoundingShift);
        Vector256<float> r = MultiplyAdd(n, Vector256.Create(-Ln2High), x);
        r = MultiplyAdd(n, Vector256.Create(-Ln2Low), r);
        Vector256<float> r2 = r * r;
        Vector256<float> r4 = r2 * r2;
        Vector256<float> q = MultiplyAdd(
            MultiplyAdd(Vector256.Create(P0), r, Vector256.Create(P1)),
            r4,
            MultiplyAdd(MultiplyAdd(Vector256.Create(P2), r, Vector256.Create(P3)), r2, MultiplyAdd(Vector256.Create(P4), r, Vector256.Create(P5))));
        Vector256<float> p = MultiplyAdd(q, r2, r) + Vector256<float>.One;
        Vector256<int> exponent = shifted.AsInt32() - Vector256.Create(RoundingShift).AsInt32();
        Vector256<int> half = Vector256.ShiftRightArithmetic(exponent, 1);
        Vector256<float> first = Vector256.ShiftLeft(half + Vector256.Create(127), 23).AsSingle();
        Vector256<float> second = Vector256.ShiftLeft(exponent - half + Vector256.Create(127), 23).AsSingle();
        return p * first * second;
    }

    /// <summary>The logistic sigmoid, <c>1 / (1 + e^-x)</c>.</summary>
    /// <param name="x">Any float.</param>
    /// <returns>sigmoid(x) within 2.5 ulp.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sigmoid(float x)
    {
        float e = Exp(-MathF.Abs(x));
        return SelectIfLess(x, 0f, e, 1f) / (1f + e);
    }

    /// <summary>The logistic sigmoid in each lane: the same operations as <see cref="Sigmoid(float)"/>.</summary>
    /// <param name="x">Eight floats.</param>
    /// <returns>sigmoid(x) of each lane.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> x)
    {
        Vector256<float> e = Exp(-Vector256.Abs(x));
        return Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<float>.Zero), e, Vector256<float>.One) / (Vector256<float>.One + e);
    }

    /// <summary>The hyperbolic tangent.</summary>
    /// <param name="x">Any float.</param>
    /// <returns>tanh(x) within 2 ulp, with the sign of x (so tanh(-0) is -0).</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Tanh(float x)
    {
        float magnitude = MathF.Abs(x);
        float square = magnitude * magnitude;
        float polynomial = MultiplyAdd(MultiplyAdd(MultiplyAdd(MultiplyAdd(T0, square, T1), square, T2), square, T3), square, T4);
        float small = MultiplyAdd(polynomial * square, magnitude, magnitude);
        float large = 1f - (2f / (Exp(magnitude + magnitude) + 1f));
        float result = SelectIfLess(magnitude, TanhPolynomialLimit, small, large);
        return BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(result) | (BitConverter.SingleToInt32Bits(x) & int.MinValue));
    }

    /// <summary>The hyperbolic tangent in each lane: the same operations as <see cref="Tanh(float)"/>.</summary>
    /// <param name="x">Eight floats.</param>
    /// <returns>tanh(x) of each lane.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Tanh(Vector256<float> x)
    {
        Vector256<float> magnitude = Vector256.Abs(x);
        Vector256<float> square = magnitude * magnitude;
        Vector256<float> polynomial = MultiplyAdd(Vector256.Create(T0), square, Vector256.Create(T1));
        polynomial = MultiplyAdd(polynomial, square, Vector256.Create(T2));
        polynomial = MultiplyAdd(polynomial, square, Vector256.Create(T3));
        polynomial = MultiplyAdd(polynomial, square, Vector256.Create(T4));
        Vector256<float> small = MultiplyAdd(polynomial * square, magnitude, magnitude);
        Vector256<float> large = Vector256<float>.One - (Vector256.Create(2f) / (Exp(magnitude + magnitude) + Vector256<float>.One));
        Vector256<float> result = Vector256.ConditionalSelect(Vector256.LessThan(magnitude, Vector256.Create(TanhPolynomialLimit)), small, large);
        return (result.AsInt32() | (x.AsInt32() & Vector256.Create(int.MinValue))).AsSingle();
    }

    /// <summary>ReLU, <c>x &lt; 0 ? 0 : x</c>: NaN passes through, so a diverged network shows in its loss.</summary>
    /// <param name="x">Any float.</param>
    /// <returns>max(0, x).</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Relu(float x) => SelectIfLess(x, 0f, 0f, x);

    /// <summary>ReLU in each lane: the same operations as <see cref="Relu(float)"/>.</summary>
    /// <param name="x">Eight floats.</param>
    /// <returns>max(0, x) of each lane.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Relu(Vector256<float> x) =>
        Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<float>.Zero), Vector256<float>.Zero, x);

    /// <summary>Leaky ReLU, <c>x &gt; 0 ? x : 0.01 x</c>.</summary>
    /// <param name="x">Any float.</param>
    /// <returns>The leaky ReLU of x.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float LeakyRelu(float x) => SelectIfLess(0f, x, x, x * LeakySlope);

    /// <summary>Leaky ReLU in each lane: the same operations as <see cref="LeakyRelu(float)"/>.</summary>
    /// <param name="x">Eight floats.</param>
    /// <returns>The leaky ReLU of each lane.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LeakyRelu(Vector256<float> x) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), x, x * LeakySlope);

    /// <summary>ReLU backward, <c>z &gt; 0 ? dA : 0</c> (the derivative at 0 is 0, as in PyTorch).</summary>
    /// <param name="z">The pre-activation.</param>
    /// <param name="dA">The gradient with respect to the activation.</param>
    /// <returns>The gradient with respect to the pre-activation.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ReluBackward(float z, float dA) => SelectIfLess(0f, z, dA, 0f);

    /// <summary>ReLU backward in each lane.</summary>
    /// <param name="z">The pre-activations.</param>
    /// <param name="dA">The gradients with respect to the activations.</param>
    /// <returns>The gradients with respect to the pre-activations.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ReluBackward(Vector256<float> z, Vector256<float> dA) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(z, Vector256<float>.Zero), dA, Vector256<float>.Zero);

    /// <summary>Leaky ReLU backward, <c>z &gt; 0 ? dA : 0.01 dA</c>.</summary>
    /// <param name="z">The pre-activation.</param>
    /// <param name="dA">The gradient with respect to the activation.</param>
    /// <returns>The gradient with respect to the pre-activation.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float LeakyReluBackward(float z, float dA) => SelectIfLess(0f, z, dA, dA * LeakySlope);

    /// <summary>Leaky ReLU backward in each lane.</summary>
    /// <param name="z">The pre-activations.</param>
    /// <param name="dA">The gradients with respect to the activations.</param>
    /// <returns>The gradients with respect to the pre-activations.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LeakyReluBackward(Vector256<float> z, Vector256<float> dA) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(z, Vector256<float>.Zero), dA, dA * LeakySlope);

    /// <summary>Sigmoid backward from the activation, <c>dA * a * (1 - a)</c>.</summary>
    /// <param name="a">The sigmoid's output.</param>
    /// <param name="dA">The gradient with respect to it.</param>
    /// <returns>The gradient with respect to the pre-activation.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SigmoidBackward(float a, float dA) => dA * a * (1f - a);

    /// <summary>Sigmoid backward in each lane.</summary>
    /// <param name="a">The sigmoid's outputs.</param>
    /// <param name="dA">The gradients with respect to them.</param>
    /// <returns>The gradients with respect to the pre-activations.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> SigmoidBackward(Vector256<float> a, Vector256<float> dA) => dA * a * (Vector256<float>.One - a);

    /// <summary>Tanh backward from the activation, <c>dA * (1 - a^2)</c>.</summary>
    /// <param name="a">The tanh's output.</param>
    /// <param name="dA">The gradient with respect to it.</param>
    /// <returns>The gradient with respect to the pre-activation.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float TanhBackward(float a, float dA) => dA * (1f - (a * a));

    /// <summary>Tanh backward in each lane.</summary>
    /// <param name="a">The tanh's outputs.</param>
    /// <param name="dA">The gradients with respect to them.</param>
    /// <returns>The gradients with respect to the pre-activations.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> TanhBackward(Vector256<float> a, Vector256<float> dA) => dA * (Vector256<float>.One - (a * a));

    /// <summary>The larger of two values, <c>a &lt; b ? b : a</c> (a row maximum for softmax: a NaN anywhere in the row reaches every output through the exponentials either way).</summary>
    /// <param name="a">A float.</param>
    /// <param name="b">Another float.</param>
    /// <returns>The larger.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Max(float a, float b) => SelectIfLess(a, b, b, a);

    /// <summary>The larger of two values in each lane: the same result as <see cref="Max(float, float)"/>.</summary>
    /// <param name="a">Eight floats.</param>
    /// <param name="b">Eight more.</param>
    /// <returns>The larger of each pair.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Max(Vector256<float> a, Vector256<float> b) =>
        Vector256.ConditionalSelect(Vector256.LessThan(a, b), b, a);

    // x clamped to [ExpMinInput, ExpMaxInput] with NaN passing through: x86's min and max return their second operand
    // when either is NaN, and the bounds go first; elsewhere the same as two selects.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float ClampExpInput(float x)
    {
        if (Sse.IsSupported)
        {
            return Sse.MinScalar(Vector128.CreateScalarUnsafe(ExpMaxInput), Sse.MaxScalar(Vector128.CreateScalarUnsafe(ExpMinInput), Vector128.CreateScalarUnsafe(x))).ToScalar();
        }

        x = SelectIfLess(ExpMaxInput, x, ExpMaxInput, x);
        return SelectIfLess(x, ExpMinInput, ExpMinInput, x);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> ClampExpInput(Vector256<float> x)
    {
        if (Avx.IsSupported)
        {
            return Avx.Min(Vector256.Create(ExpMaxInput), Avx.Max(Vector256.Create(ExpMinInput), x));
        }

        x = Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256.Create(ExpMaxInput)), Vector256.Create(ExpMaxInput), x);
        return Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256.Create(ExpMinInput)), Vector256.Create(ExpMinInput), x);
    }

    // a < b ? ifLess : otherwise, without a branch: a compare and a blend in a vector register, as the lane form does.
    // A branch on the sign of a pre-activation is a coin flip for the predictor, and a miss costs more than the layer.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float SelectIfLess(float a, float b, float ifLess, float otherwise) =>
        Vector128.ConditionalSelect(
            Vector128.LessThan(Vector128.CreateScalarUnsafe(a), Vector128.CreateScalarUnsafe(b)),
            Vector128.CreateScalarUnsafe(ifLess),
            Vector128.CreateScalarUnsafe(otherwise)).ToScalar();

    /// <summary><c>a * b + c</c>, rounded once where the processor has FMA (and in both forms alike).</summary>
    /// <param name="a">A factor.</param>
    /// <param name="b">The other factor.</param>
    /// <param name="c">The addend.</param>
    /// <returns>The multiply-add.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MultiplyAdd(float a, float b, float c) => Fma.IsSupported ? MathF.FusedMultiplyAdd(a, b, c) : (a * b) + c;

    /// <summary><c>a * b + c</c> in each lane: the same operation as <see cref="MultiplyAdd(float, float, float)"/>.</summary>
    /// <param name="a">Eight factors.</param>
    /// <param name="b">Eight more.</param>
    /// <param name="c">Eight addends.</param>
    /// <returns>The multiply-add of each lane.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : (a * b) + c;
}
