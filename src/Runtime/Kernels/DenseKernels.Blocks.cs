using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Kernels;

// The register blocks of MultiplyAdd (Z += A W) and MultiplyAddTransposed (G += A^T D).
public static partial class DenseKernels
{
    // 6 rows x 8 columns, for the last 8 to 15 columns (a 10-class output layer): 6 accumulators.
    private static void Block6x8(ref float a, int r0, int stride, int count, ref float w, int columns, ref float z, int j0)
    {
        ref float z0 = ref Unsafe.Add(ref z, (r0 * columns) + j0);
        nint rowStride = columns;
        Vector256<float> c0 = Vector256.LoadUnsafe(ref z0), c1 = Vector256.LoadUnsafe(ref Unsafe.Add(ref z0, rowStride));
        Vector256<float> c2 = Vector256.LoadUnsafe(ref Unsafe.Add(ref z0, 2 * rowStride)), c3 = Vector256.LoadUnsafe(ref Unsafe.Add(ref z0, 3 * rowStride));
        Vector256<float> c4 = Vector256.LoadUnsafe(ref Unsafe.Add(ref z0, 4 * rowStride)), c5 = Vector256.LoadUnsafe(ref Unsafe.Add(ref z0, 5 * rowStride));
        ref float a0 = ref Unsafe.Add(ref a, r0 * stride);
        ref float wRow = ref Unsafe.Add(ref w, j0);
        for (int k = 0; k < count; k++)
        {
            Vector256<float> w0 = Vector256.LoadUnsafe(ref wRow);
            c0 = Fma.MultiplyAdd(Vector256.Create(a0), w0, c0);
            c1 = Fma.MultiplyAdd(Vector256.Create(Unsafe.Add(ref a0, stride)), w0, c1);
            c2 = Fma.MultiplyAdd(Vector256.Create(Unsafe.Add(ref a0, 2 * stride)), w0, c2);
            c3 = Fma.MultiplyAdd(Vector256.Create(Unsafe.Add(ref a0, 3 * stride)), w0, c3);
            c4 = Fma.MultiplyAdd(Vector256.Create(Unsafe.Add(ref a0, 4 * stride)), w0, c4);
            c5 = Fma.MultiplyAdd(Vector256.Create(Unsafe.Add(ref a0, 5 * stride)), w0, c5);
            a0 = ref Unsafe.Add(ref a0, 1);
            wRow = ref Unsafe.Add(ref wRow, columns);
        }

        c0.StoreUnsafe(ref z0);
        c1.StoreUnsafe(ref Unsafe.Add(ref z0, rowStride));
        c2.StoreUnsafe(ref Unsafe.Add(ref z0, 2 * rowStride));
        c3.StoreUnsafe(ref Unsafe.Add(ref z0, 3 * rowStride));
        c4.StoreUnsafe(ref Unsafe.Add(ref z0, 4 * rowStride));
        c5.StoreUnsafe(ref Unsafe.Add(ref z0, 5 * rowStride));
    }

    // 4 rows x 16 columns: 8 accumulators in registers, one broadcast per row and two loads of W per k.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block4x16(ref float a, int r0, int stride, int count, ref float w, int columns, ref float z, int j0)
    {
        ref float z0 = ref Unsafe.Add(ref z, (r0 * columns) + j0);
        ref float z1 = ref Unsafe.Add(ref z0, columns);
        ref float z2 = ref Unsafe.Add(ref z1, columns);
        ref float z3 = ref Unsafe.Add(ref z2, columns);
        Vector256<float> c00 = Vector256.LoadUnsafe(ref z0), c01 = Vector256.LoadUnsafe(ref z0, 8);
        Vector256<float> c10 = Vector256.LoadUnsafe(ref z1), c11 = Vector256.LoadUnsafe(ref z1, 8);
        Vector256<float> c20 = Vector256.LoadUnsafe(ref z2), c21 = Vector256.LoadUnsafe(ref z2, 8);
        Vector256<float> c30 = Vector256.LoadUnsafe(ref z3), c31 = Vector256.LoadUnsafe(ref z3, 8);
        ref float a0 = ref Unsafe.Add(ref a, r0 * stride);
        ref float a1 = ref Unsafe.Add(ref a0, stride);
        ref float a2 = ref Unsafe.Add(ref a1, stride);
        ref float a3 = ref Unsafe.Add(ref a2, stride);
        ref float wRow = ref Unsafe.Add(ref w, j0);
        for (int k = 0; k < count; k++)
        {
            Vector256<float> w0 = Vector256.LoadUnsafe(ref wRow), w1 = Vector256.LoadUnsafe(ref wRow, 8);
            Vector256<float> b = Vector256.Create(Unsafe.Add(ref a0, k));
            c00 = Fma.MultiplyAdd(b, w0, c00);
            c01 = Fma.MultiplyAdd(b, w1, c01);
            b = Vector256.Create(Unsafe.Add(ref a1, k));
            c10 = Fma.MultiplyAdd(b, w0, c10);
            c11 = Fma.MultiplyAdd(b, w1, c11);
            b = Vector256.Create(Unsafe.Add(ref a2, k));
            c20 = Fma.MultiplyAdd(b, w0, c20);
            c21 = Fma.MultiplyAdd(b, w1, c21);
            b = Vector256.Create(Unsafe.Add(ref a3, k));
            c30 = Fma.MultiplyAdd(b, w0, c30);
            c31 = Fma.MultiplyAdd(b, w1, c31);
            wRow = ref Unsafe.Add(ref wRow, columns);
        }

        c00.StoreUnsafe(ref z0);
        c01.StoreUnsafe(ref z0, 8);
        c10.StoreUnsafe(ref z1);
        c11.StoreUnsafe(ref z1, 8);
        c20.StoreUnsafe(ref z2);
        c21.StoreUnsafe(ref z2, 8);
        c30.StoreUnsafe(ref z3);
        c31.StoreUnsafe(ref z3, 8);
    }

    // 6 rows x 16 columns: 12 accumulators in registers, one broadcast per row and two loads of W per k.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block6x16(ref float a, int r0, int stride, int count, ref float w, int columns, ref float z, int j0)
    {
        ref float z0 = ref Unsafe.Add(ref z, (r0 * columns) + j0);
        ref float z1 = ref Unsafe.Add(ref z0, columns);
        ref float z2 = ref Unsafe.Add(ref z1, columns);
        ref float z3 = ref Unsafe.Add(ref z2, columns);
        ref float z4 = ref Unsafe.Add(ref z3, columns);
        ref float z5 = ref Unsafe.Add(ref z4, columns);
        Vector256<float> c00 = Vector256.LoadUnsafe(ref z0), c01 = Vector256.LoadUnsafe(ref z0, 8);
        Vector256<float> c10 = Vector256.LoadUnsafe(ref z1), c11 = Vector256.LoadUnsafe(ref z1, 8);
        Vector256<float> c20 = Vector256.LoadUnsafe(ref z2), c21 = Vector256.LoadUnsafe(ref z2, 8);
        Vector256<float> c30 = Vector256.LoadUnsafe(ref z3), c31 = Vector256.LoadUnsafe(ref z3, 8);
        Vector256<float> c40 = Vector256.LoadUnsafe(ref z4), c41 = Vector256.LoadUnsafe(ref z4, 8);
        Vector256<float> c50 = Vector256.LoadUnsafe(ref z5), c51 = Vector256.LoadUnsafe(ref z5, 8);
        ref float a0 = ref Unsafe.Add(ref a, r0 * stride);
        ref float wRow = ref Unsafe.Add(ref w, j0);
        for (int k = 0; k < count; k++)
        {
            Vector256<float> w0 = Vector256.LoadUnsafe(ref wRow), w1 = Vector256.LoadUnsafe(ref wRow, 8);
            Vector256<float> b = Vector256.Create(a0);
            c00 = Fma.MultiplyAdd(b, w0, c00);
            c01 = Fma.MultiplyAdd(b, w1, c01);
            b = Vector256.Create(Unsafe.Add(ref a0, stride));
            c10 = Fma.MultiplyAdd(b, w0, c10);
            c11 = Fma.MultiplyAdd(b, w1, c11);
            b = Vector256.Create(Unsafe.Add(ref a0, 2 * stride));
            c20 = Fma.MultiplyAdd(b, w0, c20);
            c21 = Fma.MultiplyAdd(b, w1, c21);
            b = Vector256.Create(Unsafe.Add(ref a0, 3 * stride));
            c30 = Fma.MultiplyAdd(b, w0, c30);
            c31 = Fma.MultiplyAdd(b, w1, c31);
            b = Vector256.Create(Unsafe.Add(ref a0, 4 * stride));
            c40 = Fma.MultiplyAdd(b, w0, c40);
            c41 = Fma.MultiplyAdd(b, w1, c41);
            b = Vector256.Create(Unsafe.Add(ref a0, 5 * stride));
            c50 = Fma.MultiplyAdd(b, w0, c50);
            c51 = Fma.MultiplyAdd(b, w1, c51);
            a0 = ref Unsafe.Add(ref a0, 1);
            wRow = ref Unsafe.Add(ref wRow, columns);
        }

        c00.StoreUnsafe(ref z0);
        c01.StoreUnsafe(ref z0, 8);
        c10.StoreUnsafe(ref z1);
        c11.StoreUnsafe(ref z1, 8);
        c20.StoreUnsafe(ref z2);
        c21.StoreUnsafe(ref z2, 8);
        c30.StoreUnsafe(ref z3);
        c31.StoreUnsafe(ref z3, 8);
        c40.StoreUnsafe(ref z4);
        c41.StoreUnsafe(ref z4, 8);
        c50.StoreUnsafe(ref z5);
        c51.StoreUnsafe(ref z5, 8);
    }

    // Rows k0..k0+3 of G, columns j0..j0+15, in 8 registers; per row r of the batch: two loads of D, four broadcasts of A.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TransposedBlock4x16(ref float a, int rows, int inner, int k0, ref float d, int columns, ref float g, int j0)
    {
        ref float g0 = ref Unsafe.Add(ref g, (k0 * columns) + j0);
        ref float g1 = ref Unsafe.Add(ref g0, columns);
        ref float g2 = ref Unsafe.Add(ref g1, columns);
        ref float g3 = ref Unsafe.Add(ref g2, columns);
        Vector256<float> c00 = Vector256.LoadUnsafe(ref g0), c01 = Vector256.LoadUnsafe(ref g0, 8);
        Vector256<float> c10 = Vector256.LoadUnsafe(ref g1), c11 = Vector256.LoadUnsafe(ref g1, 8);
        Vector256<float> c20 = Vector256.LoadUnsafe(ref g2), c21 = Vector256.LoadUnsafe(ref g2, 8);
        Vector256<float> c30 = Vector256.LoadUnsafe(ref g3), c31 = Vector256.LoadUnsafe(ref g3, 8);
        ref float aRow = ref Unsafe.Add(ref a, k0);
        ref float dRow = ref Unsafe.Add(ref d, j0);
        for (int r = 0; r < rows; r++)
        {
            Vector256<float> d0 = Vector256.LoadUnsafe(ref dRow), d1 = Vector256.LoadUnsafe(ref dRow, 8);
            Vector256<float> b = Vector256.Create(aRow);
            c00 = Fma.MultiplyAdd(b, d0, c00);
            c01 = Fma.MultiplyAdd(b, d1, c01);
            b = Vector256.Create(Unsafe.Add(ref aRow, 1));
            c10 = Fma.MultiplyAdd(b, d0, c10);
            c11 = Fma.MultiplyAdd(b, d1, c11);
            b = Vector256.Create(Unsafe.Add(ref aRow, 2));
            c20 = Fma.MultiplyAdd(b, d0, c20);
            c21 = Fma.MultiplyAdd(b, d1, c21);
            b = Vector256.Create(Unsafe.Add(ref aRow, 3));
            c30 = Fma.MultiplyAdd(b, d0, c30);
            c31 = Fma.MultiplyAdd(b, d1, c31);
            aRow = ref Unsafe.Add(ref aRow, inner);
            dRow = ref Unsafe.Add(ref dRow, columns);
        }

        c00.StoreUnsafe(ref g0);
        c01.StoreUnsafe(ref g0, 8);
        c10.StoreUnsafe(ref g1);
        c11.StoreUnsafe(ref g1, 8);
        c20.StoreUnsafe(ref g2);
        c21.StoreUnsafe(ref g2, 8);
        c30.StoreUnsafe(ref g3);
        c31.StoreUnsafe(ref g3, 8);
    }

    // Rows k0..k0+5 of G, columns j0..j0+15, in 12 registers; per row r of the batch: two loads of D, six broadcasts of A.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TransposedBlock6x16(ref float a, int rows, int inner, int k0, ref float d, int columns, ref float g, int j0)
    {
        ref float g0 = ref Unsafe.Add(ref g, (k0 * columns) + j0);
        ref float g1 = ref Unsafe.Add(ref g0, columns);
        ref float g2 = ref Unsafe.Add(ref g1, columns);
        ref float g3 = ref Unsafe.Add(ref g2, columns);
        ref float g4 = ref Unsafe.Add(ref g3, columns);
        ref float g5 = ref Unsafe.Add(ref g4, columns);
        Vector256<float> c00 = Vector256.LoadUnsafe(ref g0), c01 = Vector256.LoadUnsafe(ref g0, 8);
        Vector256<float> c10 = Vector256.LoadUnsafe(ref g1), c11 = Vector256.LoadUnsafe(ref g1, 8);
        Vector256<float> c20 = Vector256.LoadUnsafe(ref g2), c21 = Vector256.LoadUnsafe(ref g2, 8);
        Vector256<float> c30 = Vector256.LoadUnsafe(ref g3), c31 = Vector256.LoadUnsafe(ref g3, 8);
        Vector256<float> c40 = Vector256.LoadUnsafe(ref g4), c41 = Vector256.LoadUnsafe(ref g4, 8);
        Vector256<float> c50 = Vector256.LoadUnsafe(ref g5), c51 = Vector256.LoadUnsafe(ref g5, 8);
        ref float aRow = ref Unsafe.Add(ref a, k0);
        ref float dRow = ref Unsafe.Add(ref d, j0);
        for (int r = 0; r < rows; r++)
        {
            Vector256<float> d0 = Vector256.LoadUnsafe(ref dRow), d1 = Vector256.LoadUnsafe(ref dRow, 8);
            Vector256<float> b = Vector256.Create(aRow);
            c00 = Fma.MultiplyAdd(b, d0, c00);
            c01 = Fma.MultiplyAdd(b, d1, c01);
            b = Vector256.Create(Unsafe.Add(ref aRow, 1));
            c10 = Fma.MultiplyAdd(b, d0, c10);
            c11 = Fma.MultiplyAdd(b, d1, c11);
            b = Vector256.Create(Unsafe.Add(ref aRow, 2));
            c20 = Fma.MultiplyAdd(b, d0, c20);
            c21 = Fma.MultiplyAdd(b, d1, c21);
            b = Vector256.Create(Unsafe.Add(ref aRow, 3));
            c30 = Fma.MultiplyAdd(b, d0, c30);
            c31 = Fma.MultiplyAdd(b, d1, c31);
            b = Vector256.Create(Unsafe.Add(ref aRow, 4));
            c40 = Fma.MultiplyAdd(b, d0, c40);
            c41 = Fma.MultiplyAdd(b, d1, c41);
            b = Vector256.Create(Unsafe.Add(ref aRow, 5));
            c50 = Fma.MultiplyAdd(b, d0, c50);
            c51 = Fma.MultiplyAdd(b, d1, c51);
            aRow = ref Unsafe.Add(ref aRow, inner);
            dRow = ref Unsafe.Add(ref dRow, columns);
        }

        c00.StoreUnsafe(ref g0);
        c01.StoreUnsafe(ref g0, 8);
        c10.StoreUnsafe(ref g1);
        c11.StoreUnsafe(ref g1, 8);
        c20.StoreUnsafe(ref g2);
        c21.StoreUnsafe(ref g2, 8);
        c30.StoreUnsafe(ref g3);
        c31.StoreUnsafe(ref g3, 8);
        c40.StoreUnsafe(ref g4);
        c41.StoreUnsafe(ref g4, 8);
        c50.StoreUnsafe(ref g5);
        c51.StoreUnsafe(ref g5, 8);
    }

    // Rows k0..k0+5 of G, 8 columns from j0, for the last 8 to 15 columns: 6 accumulators.
    private static void TransposedBlock6x8(ref float a, int rows, int inner, int k0, ref float d, int columns, ref float g, int j0)
    {
        ref float g0 = ref Unsafe.Add(ref g, (k0 * columns) + j0);
        nint rowStride = columns;
        Vector256<float> c0 = Vector256.LoadUnsafe(ref g0), c1 = Vector256.LoadUnsafe(ref Unsafe.Add(ref g0, rowStride));
        Vector256<float> c2 = Vector256.LoadUnsafe(ref Unsafe.Add(ref g0, 2 * rowStride)), c3 = Vector256.LoadUnsafe(ref Unsafe.Add(ref g0, 3 * rowStride));
        Vector256<float> c4 = Vector256.LoadUnsafe(ref Unsafe.Add(ref g0, 4 * rowStride)), c5 = Vector256.LoadUnsafe(ref Unsafe.Add(ref g0, 5 * rowStride));
        ref float aRow = ref Unsafe.Add(ref a, k0);
        ref float dRow = ref Unsafe.Add(ref d, j0);
        for (int r = 0; r < rows; r++)
        {
            Vector256<float> d0 = Vector256.LoadUnsafe(ref dRow);
            c0 = Fma.MultiplyAdd(Vector256.Create(aRow), d0, c0);
            c1 = Fma.MultiplyAdd(Vector256.Create(Unsafe.Add(ref aRow, 1)), d0, c1);
            c2 = Fma.MultiplyAdd(Vector256.Create(Unsafe.Add(ref aRow, 2)), d0, c2);
            c3 = Fma.MultiplyAdd(Vector256.Create(Unsafe.Add(ref aRow, 3)), d0, c3);
            c4 = Fma.MultiplyAdd(Vector256.Create(Unsafe.Add(ref aRow, 4)), d0, c4);
            c5 = Fma.MultiplyAdd(Vector256.Create(Unsafe.Add(ref aRow, 5)), d0, c5);
            aRow = ref Unsafe.Add(ref aRow, inner);
            dRow = ref Unsafe.Add(ref dRow, columns);
        }

        c0.StoreUnsafe(ref g0);
        c1.StoreUnsafe(ref Unsafe.Add(ref g0, rowStride));
        c2.StoreUnsafe(ref Unsafe.Add(ref g0, 2 * rowStride));
        c3.StoreUnsafe(ref Unsafe.Add(ref g0, 3 * rowStride));
        c4.StoreUnsafe(ref Unsafe.Add(ref g0, 4 * rowStride));
        c5.StoreUnsafe(ref Unsafe.Add(ref g0, 5 * rowStride));
    }
}
