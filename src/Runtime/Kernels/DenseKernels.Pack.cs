using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using static Backprop.Kernels.KernelGeometry;

namespace Backprop.Kernels;

// The packing of the packed products (Packed.cs): a block of `count` rows (steps of the inner dimension) and `width`
// columns of op(B) becomes panels of 16 columns, panel p at pack[p * 16 * count], its row t at 16 t, the columns past
// the block's width zero. The register blocks then read a panel as 16 consecutive values per step.
public static partial class DenseKernels
{
    // op(B) = B in place, row-major with rows bStep apart: each panel row is a copy of 16 consecutive values.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackRows(ref float b, nint bStep, int count, int width, ref float pack)
    {
        for (int j = 0; j < width; j += PanelColumns)
        {
            ref float panel = ref Unsafe.Add(ref pack, j * count);
            ref float source = ref Unsafe.Add(ref b, j);
            int columns = System.Math.Min(PanelColumns, width - j);
            for (int t = 0; t < count; t++)
            {
                ref float row = ref Unsafe.Add(ref panel, t * PanelColumns);
                if (columns == PanelColumns)
                {
                    Vector256.LoadUnsafe(ref source).StoreUnsafe(ref row);
                    Vector256.LoadUnsafe(ref source, 8).StoreUnsafe(ref row, 8);
                }
                else
                {
                    PackScalar(ref source, 1, columns, ref row);
                }

                source = ref Unsafe.Add(ref source, bStep);
            }
        }
    }

    // op(B) = W^T for W with rows bColumn apart: op(B)[t, j] = b[t + j * bColumn]. Eight of W's rows by eight steps at a
    // time are transposed in registers (LaneKernels.Transpose8x8); the last steps and a narrow last panel one by one.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackTransposed(ref float b, nint bColumn, int count, int width, ref float pack)
    {
        for (int j = 0; j < width; j += PanelColumns)
        {
            ref float panel = ref Unsafe.Add(ref pack, j * count);
            int columns = System.Math.Min(PanelColumns, width - j);
            for (int half = 0; half < PanelColumns; half += 8)
            {
                ref float wRows = ref Unsafe.Add(ref b, (j + half) * bColumn);
                int t = 0;
                if (columns - half >= 8)
                {
                    for (; t + 8 <= count; t += 8)
                    {
                        LaneKernels.Transpose8x8(
                            ref Unsafe.Add(ref wRows, t), (nuint)bColumn,
                            out Vector256<float> c0, out Vector256<float> c1, out Vector256<float> c2, out Vector256<float> c3,
                            out Vector256<float> c4, out Vector256<float> c5, out Vector256<float> c6, out Vector256<float> c7);
                        ref float row = ref Unsafe.Add(ref panel, (t * PanelColumns) + half);
                        c0.StoreUnsafe(ref row);
                        c1.StoreUnsafe(ref row, PanelColumns);
                        c2.StoreUnsafe(ref row, 2 * PanelColumns);
                        c3.StoreUnsafe(ref row, 3 * PanelColumns);
                        c4.StoreUnsafe(ref row, 4 * PanelColumns);
                        c5.StoreUnsafe(ref row, 5 * PanelColumns);
                        c6.StoreUnsafe(ref row, 6 * PanelColumns);
                        c7.StoreUnsafe(ref row, 7 * PanelColumns);
                    }
                }

                int halfColumns = System.Math.Clamp(columns - half, 0, 8);
                for (; t < count; t++)
                {
                    ref float row = ref Unsafe.Add(ref panel, (t * PanelColumns) + half);
                    for (int l = 0; l < 8; l++)
                    {
                        Unsafe.Add(ref row, l) = l < halfColumns ? Unsafe.Add(ref wRows, t + (l * bColumn)) : 0f;
                    }
                }
            }
        }
    }

    // op(A) = A^T, its row i at a[i], its steps aStep apart: panels of 6 rows, panel p at packed[6 p count], step t of
    // the panel's row r at 6 t + r. A last panel of fewer rows leaves the rest unwritten; no block reads it.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackColumns(ref float a, nint aStep, int count, int height, ref float packed)
    {
        for (int i = 0; i < height; i += ProductRows)
        {
            int rows = System.Math.Min(ProductRows, height - i);
            ref float source = ref Unsafe.Add(ref a, i);
            ref float panel = ref Unsafe.Add(ref packed, i * count);
            for (int t = 0; t < count; t++)
            {
                for (int r = 0; r < rows; r++)
                {
                    Unsafe.Add(ref panel, r) = Unsafe.Add(ref source, r);
                }

                source = ref Unsafe.Add(ref source, aStep);
                panel = ref Unsafe.Add(ref panel, ProductRows);
            }
        }
    }

    // A narrow panel's row: its columns one by one (step values apart in the source), then zeros to 16.
    private static void PackScalar(ref float source, nint step, int columns, ref float row)
    {
        for (int l = 0; l < PanelColumns; l++)
        {
            Unsafe.Add(ref row, l) = l < columns ? Unsafe.Add(ref source, l * step) : 0f;
        }
    }
}
