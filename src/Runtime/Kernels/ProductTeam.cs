using System;
using System.Runtime.CompilerServices;
using System.Threading;
using Backprop.Threading;
using static Backprop.Kernels.KernelGeometry;

namespace Backprop.Kernels;

/// <summary>
/// The threads that the matrix products of the current thread's calls may split over: a trainer enters its team around
/// a step of a network with wide layers, and DenseKernels then gives each part its own range: rows of W in a chained
/// forward product (each part adds its terms to Z after the part before it), columns of Z, rows of dW, or columns of a
/// packed product, in whole register blocks or panels. Each element gets the same chain of operations, in the same
/// order, as on one thread, so results are the same bits whatever the number of threads.
/// </summary>
/// <remarks>
/// Outside a team (every <c>Predict</c>, and training on one thread) <see cref="Parts"/> is 1 and nothing changes.
/// A packed part other than part 0 packs into a buffer of the thread that runs it, allocated once per thread, pinned.
/// </remarks>
internal static unsafe class ProductTeam
{
    /// <summary>
    /// The fewest multiply-adds worth a thread: 2^19, about 3 us of one core with 512-bit blocks (6 us with 256-bit),
    /// against about 1 us to hand a part to a spinning worker and wait for it; 2^18 and 2^20 measured no better on a
    /// W3 step (TrainingThreadsBenchmark).
    /// </summary>
    public const long MinMultiplyAddsPerPart = 1 << 19;

    /// <summary>
    /// A layer with at least this many weights (and wide enough for the blocked products) is worth splitting: a trainer
    /// splits the products of a network with such a layer instead of its batch's rows, with one gradient buffer and no
    /// reduction, and W3's 64-row step gained where splitting its rows lost (TrainingThreadsBenchmark).
    /// </summary>
    public const int MinSplitWeights = 16_384;

    [ThreadStatic]
    private static WorkerTeam? t_team;

    [ThreadStatic]
    private static ProductJob? t_job;

    [ThreadStatic]
    private static float[]? t_pack;

    /// <summary>Lets the products of the calling thread split over <paramref name="team"/> until the scope is disposed.</summary>
    /// <param name="team">The team; its workers must not be running another job meanwhile.</param>
    public static Scope Enter(WorkerTeam team)
    {
        var scope = new Scope(t_team);
        t_team = team;
        return scope;
    }

    /// <summary>Whether a layer's products are worth splitting (<see cref="MinSplitWeights"/>).</summary>
    /// <param name="fanIn">The layer's inputs.</param>
    /// <param name="fanOut">The layer's outputs.</param>
    public static bool SplitsLayer(int fanIn, int fanOut) =>
        fanOut >= MinBlockedColumns && (long)fanIn * fanOut >= MinSplitWeights;

    /// <summary>
    /// The first unit (block or panel) of part <paramref name="part"/> when <paramref name="units"/> are split into
    /// <paramref name="parts"/>: part p takes units [p U / P, (p + 1) U / P), and the last part also what is left past
    /// the whole units.
    /// </summary>
    public static int PartStart(int part, int units, int parts) => (int)((long)part * units / parts);

    /// <summary>How many parts a product of <paramref name="multiplyAdds"/> splits into, at most <paramref name="units"/>.</summary>
    /// <param name="multiplyAdds">The product's multiply-adds.</param>
    /// <param name="units">How many whole blocks or panels its split dimension holds.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Parts(long multiplyAdds, int units)
    {
        WorkerTeam? team = t_team;
        return team is null ? 1 : (int)Math.Min(Math.Min(team.Threads, units), Math.Max(1, multiplyAdds / MinMultiplyAddsPerPart));
    }

    /// <summary>
    /// The rows of Z that a thread of a chained forward product adds its terms to at a time (<see cref="SplitForward"/>):
    /// one 8-row register block. The second thread waits for the first one's first group, and the first waits for the
    /// second one's last, so each thread idles for about 1/G of its share over G groups: on a W3 step (64 rows) the
    /// chained product took 48-54 us with 8 rows against 54-58 us with 16, in four alternating pairs of runs on two
    /// threads (medians of 400 steps each), though whole steps on this noisy 2-vCPU host showed no difference (1.18-1.30x
    /// one thread against 1.21-1.29x, five alternating pairs). Earlier, 12 and 24 rows measured slower than 16; each
    /// group reads the thread's rows of W once more, which smaller groups pay for.
    /// </summary>
    public const int ChainRows = 8;

    /// <summary>
    /// The fewest groups of <see cref="ChainRows"/> rows for which the forward product is chained: with two, each thread
    /// would idle for half of its share (a choice, not measured).
    /// </summary>
    public const int MinChainGroups = 3;

    /// <summary>Whether <see cref="SplitForward"/> chains a product of <paramref name="rows"/> rows over <paramref name="parts"/> parts (or splits its columns).</summary>
    public static bool ChainsForward(int rows, int inner, int parts) =>
        rows >= MinChainGroups * ChainRows && WeightGradientUnits(inner) >= parts;

    /// <summary>
    /// Z += A W split over the team. With enough rows (<see cref="ChainsForward"/>), by W's rows, as the weight gradient
    /// splits them (<see cref="WeightGradientFirstRow"/>): part p adds the terms of its rows of W to a group of
    /// <see cref="ChainRows"/> rows of Z once part p - 1 has added its own, so each sum is chained in the same order as
    /// on one thread, and each thread reads only the rows of W that it updates (<see cref="ParameterOwnership"/>).
    /// With fewer rows, by Z's columns in 16-column panels; split that way on a W3 step, both threads read every row of
    /// W, and each thread's share of the update then took longer than the whole update on one thread, fetching the
    /// lines of its rows from the other core.
    /// </summary>
    public static void SplitForward(ReadOnlySpan<float> a, int rows, int inner, ReadOnlySpan<float> w, int columns, Span<float> z, int parts)
    {
        if (ChainsForward(rows, inner, parts))
        {
            SplitInPlace(ProductJob.Kind.ChainedForward, WeightGradientUnits(inner), a, rows, inner, w, columns, z, parts);
            return;
        }

        SplitInPlace(ProductJob.Kind.Forward, columns / PanelColumns, a, rows, inner, w, columns, z, parts);
    }

    /// <summary>G += A^T D (or G = A^T D, with <paramref name="overwrite"/>) with G's rows split over the team, in whole 6-row blocks.</summary>
    public static void SplitWeightGradient(ReadOnlySpan<float> a, int rows, int inner, ReadOnlySpan<float> d, int columns, Span<float> g, int parts, bool overwrite) =>
        SplitInPlace(ProductJob.Kind.WeightGradient, WeightGradientUnits(inner), a, rows, inner, d, columns, g, parts, overwrite);

    /// <summary>The units a weight gradient's <paramref name="inner"/> rows split in: whole 6-row blocks.</summary>
    public static int WeightGradientUnits(int inner) => inner / ProductRows;

    /// <summary>
    /// The first row of G that part <paramref name="part"/> of a weight gradient split into <paramref name="parts"/>
    /// writes; <paramref name="inner"/> for <paramref name="part"/> = <paramref name="parts"/> (the last part also takes
    /// the rows past the whole blocks).
    /// </summary>
    public static int WeightGradientFirstRow(int part, int inner, int parts) =>
        part == parts ? inner : PartStart(part, WeightGradientUnits(inner), parts) * ProductRows;

    /// <summary>A packed product with its columns split over the team, in whole panels; part 0 packs into <paramref name="pack"/>.</summary>
    public static void SplitPacked(DenseKernels.PackedProduct product, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, Span<float> pack, int parts)
    {
        fixed (float* aPointer = a, bPointer = b, cPointer = c, packPointer = pack)
        {
            ProductJob job = Job();
            job.Set(ProductJob.Kind.Packed, parts, (product.N + PanelColumns - 1) / PanelColumns, aPointer, bPointer, cPointer);
            job.Product = product;
            job.CallerPack = packPointer;
            Run(job, parts);
        }
    }

    private static void SplitInPlace(ProductJob.Kind kind, int units, ReadOnlySpan<float> a, int rows, int inner, ReadOnlySpan<float> b, int columns, Span<float> c, int parts, bool overwrite = false)
    {
        fixed (float* aPointer = a, bPointer = b, cPointer = c)
        {
            ProductJob job = Job();
            job.Rows = rows;
            job.Inner = inner;
            job.Columns = columns;
            job.Overwrite = overwrite;
            job.Set(kind, parts, units, aPointer, bPointer, cPointer);
            Run(job, parts);
        }
    }

    private static ProductJob Job() => t_job ??= new ProductJob();

    private static void Run(ProductJob job, int parts)
    {
        try
        {
            t_team!.Run(job, parts);
        }
        finally
        {
            job.Clear();
        }
    }

    // A worker's pack, as long as any packed product needs (KernelGeometry.PackLength), pinned so a pointer stays valid.
    private static float* WorkerPack()
    {
        t_pack ??= GC.AllocateUninitializedArray<float>(PackLength(PackedColumns, transposedA: true), pinned: true);
        return (float*)Unsafe.AsPointer(ref t_pack[0]);
    }

    /// <summary>Restores the team that was current before <see cref="Enter"/>.</summary>
    public readonly ref struct Scope(WorkerTeam? previous)
    {
        public void Dispose() => t_team = previous;
    }

    // One split product: which kernel, its arguments, and how its units (blocks or panels) are shared out.
    private sealed class ProductJob : ITeamJob
    {
        public enum Kind
        {
            Forward,
            ChainedForward,
            WeightGradient,
            Packed,
        }

        private Kind _kind;
        private int _parts;
        private int _units;
        private float* _a;
        private float* _b;
        private float* _c;
        // Per group of ChainRows rows of a chained forward product: how many parts have added their terms.
        private int[] _groupsDone = [];
        // Set when a part of a chained product failed, so that the parts after it stop waiting for it.
        private volatile bool _chainBroken;

        public int Rows { get; set; }

        public int Inner { get; set; }

        public int Columns { get; set; }

        // Whether the product overwrites C instead of adding to it (a weight gradient's first block of rows).
        public bool Overwrite { get; set; }

        public DenseKernels.PackedProduct Product { get; set; }

        public float* CallerPack { get; set; }

        public void Set(Kind kind, int parts, int units, float* a, float* b, float* c)
        {
            if (kind == Kind.ChainedForward)
            {
                int groups = (Rows + ChainRows - 1) / ChainRows;
                if (_groupsDone.Length < groups)
                {
                    _groupsDone = new int[groups]; // once per larger batch
                }

                _groupsDone.AsSpan(0, groups).Clear();
                _chainBroken = false;
            }

            _kind = kind;
            _parts = parts;
            _units = units;
            _a = a;
            _b = b;
            _c = c;
        }

        public void Clear()
        {
            _a = _b = _c = null;
            CallerPack = null;
            Overwrite = false;
        }

        public void Run(int part)
        {
            int first = PartStart(part, _units, _parts);
            int end = PartStart(part + 1, _units, _parts);
            bool last = part == _parts - 1;
            switch (_kind)
            {
                case Kind.Forward:
                {
                    int j0 = first * PanelColumns;
                    int j1 = last ? Columns : end * PanelColumns;
                    DenseKernels.MultiplyAddColumns(ref _a[0], Rows, Inner, Inner, ref _b[j0], j1 - j0, Columns, ref _c[j0]);
                    break;
                }

                case Kind.ChainedForward:
                    try
                    {
                        RunChained(part);
                    }
                    catch
                    {
                        _chainBroken = true;
                        throw;
                    }

                    break;

                case Kind.WeightGradient:
                {
                    int k0 = WeightGradientFirstRow(part, Inner, _parts);
                    int k1 = WeightGradientFirstRow(part + 1, Inner, _parts);
                    DenseKernels.MultiplyAddTransposedRows(ref _a[k0], Rows, k1 - k0, Inner, ref _b[0], Columns, ref _c[(long)k0 * Columns], Overwrite);
                    break;
                }

                default:
                {
                    int j0 = first * PanelColumns;
                    int j1 = last ? Product.N : end * PanelColumns;
                    float* pack = part == 0 ? CallerPack : WorkerPack();
                    DenseKernels.ProductColumns(Product, ref _a[0], ref _b[0], ref _c[0], j0, j1, ref pack[0]);
                    break;
                }
            }
        }

        // Part `part` of a chained forward product: its rows of W, over every group of rows of Z in order, each group
        // once the previous part is done with it.
        private void RunChained(int part)
        {
            int k0 = WeightGradientFirstRow(part, Inner, _parts);
            int k1 = WeightGradientFirstRow(part + 1, Inner, _parts);
            bool passesOn = part < _parts - 1;
            for (int r0 = 0, group = 0; r0 < Rows; r0 += ChainRows, group++)
            {
                if (part > 0)
                {
                    SpinWait spinner = default;
                    while (Volatile.Read(ref _groupsDone[group]) < part)
                    {
                        if (_chainBroken)
                        {
                            return; // the team reports the failure
                        }

                        spinner.SpinOnce(sleep1Threshold: -1);
                    }
                }

                DenseKernels.MultiplyAddColumns(
                    ref _a[((long)r0 * Inner) + k0], Math.Min(ChainRows, Rows - r0), k1 - k0, Inner, ref _b[(long)k0 * Columns], Columns, Columns, ref _c[(long)r0 * Columns]);
                if (passesOn)
                {
                    Volatile.Write(ref _groupsDone[group], part + 1);
                }
            }
        }
    }
}
