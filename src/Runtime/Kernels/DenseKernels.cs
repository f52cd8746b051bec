using System;
using System.ComponentModel;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Kernels;

/// <summary>
/// Matrix products for wide float layers, register-blocked for AVX2 + FMA. Generated networks call these where a
/// benchmark shows them faster than a TensorPrimitives call per row (LayerKernelBenchmark).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)] // called by generated code, not meant for users
public static partial class DenseKernels
{
    // Rows of the main block (12 accumulators: enough independent FMA chains to cover the FMA latency on two pipes,
    // 0.7x the time of 4 rows at 784 -> 64 in WideLayerKernelBenchmark) and of the block for 4 to 5 rows left over.
    private const int WideRowBlock = KernelGeometry.ProductRows;

    // The rows of the 512-bit block Block8x32.
    private const int WideBlockRows = 8;
    private const int RowBlock = KernelGeometry.SmallRowGroup;

    // A slice of the inner dimension: a 16-column panel of W over it is 16 KB, half of a 32 KB L1 data cache.
    private const int InnerBlock = 256;
    private const int ColumnBlock = 16;

    // Whether the 512-bit blocks run: a JIT-time constant, true on processors with AVX-512 (AMD Zen 4 and 5, Intel
    // Xeon since Skylake-SP, where .NET does not report Vector512 as accelerated on the parts that slow down for it).
    // On cores with full-width units (Zen 5) they double the FMA rate; elsewhere they halve the instructions.
    private static bool Wide => Vector512.IsHardwareAccelerated && Avx512F.IsSupported;

    // One operation per file, as in System.Numerics.Tensors' TensorPrimitives: MultiplyAdd (Z += A W),
    // MultiplyAddTransposed (G += A^T D) and Transpose in DenseKernels.<Operation>.cs, the register-blocked
    // micro-kernels both products share in DenseKernels.Blocks.cs, the products without FMA in DenseKernels.Portable.cs,
    // the constants here.
}
