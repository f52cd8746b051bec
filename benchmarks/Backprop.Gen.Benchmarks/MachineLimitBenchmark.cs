using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using BenchmarkDotNet.Attributes;

namespace Backprop.Benchmarks;

/// <summary>
/// The machine's single-core float FMA limit, measured in the same run as the workloads: twelve independent 256-bit
/// FMA chains over registers only, and the same with 512-bit vectors where the
/// processor has AVX-512 (on cores with full-width 512-bit units, such as AMD Zen 5, that limit is twice the 256-bit
/// one; on Zen 4 and on AVX2 machines it is the same or absent). Mean is nanoseconds per FLOP (an FMA is 2 FLOPs).
/// </summary>
/// <remarks>
/// Eight chains only just cover two pipes of 4-cycle FMAs, and any slip shows: on a Zen 5, eight 512-bit chains read
/// 193-195 GFLOP/s where twelve read 200-206 (and a C loop with 10, 12 or 16 chains 207), so a loop of eight made every
/// workload look about 5 % closer to the limit than it is. Twelve still fit in the 16 registers of AVX2.
/// </remarks>
public class MachineLimitBenchmark
{
    private const int Iterations = 1_000_000;

    /// <summary>The independent FMA chains of each loop.</summary>
    internal const int Chains = 12;

    // 12 accumulators x 8 lanes x 2 FLOPs per FMA.
    [Benchmark(OperationsPerInvoke = Iterations * Chains * 8 * 2)]
    public float FmaPeak() => Fma256Loop(Iterations);

    // 12 accumulators x 16 lanes x 2 FLOPs per FMA.
    [Benchmark(OperationsPerInvoke = Iterations * Chains * 16 * 2)]
    public float FmaPeak512() => Fma512Loop(Iterations);

    /// <summary>The 256-bit loop over <paramref name="iterations"/> steps (also timed by <see cref="SideBySide"/>).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // optimized from its first call in SideBySide
    internal static float Fma256Loop(int iterations)
    {
        if (!Fma.IsSupported)
        {
            return 0;
        }

        // Distinct starting values: equal chains would be one computation to the JIT, which may merge them.
        Vector256<float> a0 = Vector256.Create(1f), a1 = Vector256.Create(1.1f), a2 = Vector256.Create(1.2f), a3 = Vector256.Create(1.3f);
        Vector256<float> a4 = Vector256.Create(1.4f), a5 = Vector256.Create(1.5f), a6 = Vector256.Create(1.6f), a7 = Vector256.Create(1.7f);
        Vector256<float> a8 = Vector256.Create(1.8f), a9 = Vector256.Create(1.9f), a10 = Vector256.Create(2.0f), a11 = Vector256.Create(2.1f);
        Vector256<float> m = Vector256.Create(0.999999f), c = Vector256.Create(1e-6f);
        for (int i = 0; i < iterations; i++)
        {
            a0 = Fma.MultiplyAdd(a0, m, c);
            a1 = Fma.MultiplyAdd(a1, m, c);
            a2 = Fma.MultiplyAdd(a2, m, c);
            a3 = Fma.MultiplyAdd(a3, m, c);
            a4 = Fma.MultiplyAdd(a4, m, c);
            a5 = Fma.MultiplyAdd(a5, m, c);
            a6 = Fma.MultiplyAdd(a6, m, c);
            a7 = Fma.MultiplyAdd(a7, m, c);
            a8 = Fma.MultiplyAdd(a8, m, c);
            a9 = Fma.MultiplyAdd(a9, m, c);
            a10 = Fma.MultiplyAdd(a10, m, c);
            a11 = Fma.MultiplyAdd(a11, m, c);
        }

        return (a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11).ToScalar();
    }

    /// <summary>The 512-bit loop over <paramref name="iterations"/> steps.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static float Fma512Loop(int iterations)
    {
        if (!Avx512F.IsSupported)
        {
            return 0;
        }

        Vector512<float> a0 = Vector512.Create(1f), a1 = Vector512.Create(1.1f), a2 = Vector512.Create(1.2f), a3 = Vector512.Create(1.3f);
        Vector512<float> a4 = Vector512.Create(1.4f), a5 = Vector512.Create(1.5f), a6 = Vector512.Create(1.6f), a7 = Vector512.Create(1.7f);
        Vector512<float> a8 = Vector512.Create(1.8f), a9 = Vector512.Create(1.9f), a10 = Vector512.Create(2.0f), a11 = Vector512.Create(2.1f);
        Vector512<float> m = Vector512.Create(0.999999f), c = Vector512.Create(1e-6f);
        for (int i = 0; i < iterations; i++)
        {
            a0 = Avx512F.FusedMultiplyAdd(a0, m, c);
            a1 = Avx512F.FusedMultiplyAdd(a1, m, c);
            a2 = Avx512F.FusedMultiplyAdd(a2, m, c);
            a3 = Avx512F.FusedMultiplyAdd(a3, m, c);
            a4 = Avx512F.FusedMultiplyAdd(a4, m, c);
            a5 = Avx512F.FusedMultiplyAdd(a5, m, c);
            a6 = Avx512F.FusedMultiplyAdd(a6, m, c);
            a7 = Avx512F.FusedMultiplyAdd(a7, m, c);
            a8 = Avx512F.FusedMultiplyAdd(a8, m, c);
            a9 = Avx512F.FusedMultiplyAdd(a9, m, c);
            a10 = Avx512F.FusedMultiplyAdd(a10, m, c);
            a11 = Avx512F.FusedMultiplyAdd(a11, m, c);
        }

        return (a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11).ToScalar();
    }
}
