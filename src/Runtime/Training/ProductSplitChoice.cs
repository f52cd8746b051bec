using System;

namespace Backprop;

/// <summary>
/// Whether splitting a network's products over threads pays on this machine, decided by timing: a trainer whose network
/// splits its products (and whose thread count the options leave open) runs its first steps on all its threads, then
/// runs blocks of steps on one thread and on all of them, in turn, keeps the faster, and times again every few seconds.
/// A split gives the same bits as one thread (each element gets the same operations in the same order), so the choice
/// changes the speed, never the result.
/// </summary>
/// <remarks>
/// Why measure: on one 2-vCPU virtual machine the split made a W3 step 1.3x faster, on another of the same kind 1.3x
/// slower, with the cores themselves scaling in both (README, "Goals not met"). Whole steps are timed, per row, and only
/// those of batches that would split: after a split the optimizer's update reads the gradient rows a worker wrote from
/// that worker's cache, so a split gradient alone measured faster where the step was slower.
/// </remarks>
internal sealed class ProductSplitChoice
{
    /// <summary>Steps on all threads before the timing starts.</summary>
    public const int WarmupSteps = 16;

    /// <summary>
    /// Seconds of steps on all threads before the timing starts: the JIT compiles the code around the kernels again,
    /// optimized, a few hundred milliseconds into a run, and a choice timed before that measured the wrong code (on a
    /// W3 trainer, the split looked faster in its first 40 steps and was 1.3x slower from then on).
    /// </summary>
    public const double WarmupSeconds = 0.5;

    /// <summary>Steps in a block of one kind (one thread, or all): a step leaves data in the cache of the core that wrote
    /// it, so the first steps after a change of kind pay for moving it; they are run but not timed.</summary>
    public const int BlockSteps = 8;

    /// <summary>The untimed steps at the start of each block.</summary>
    public const int SettleSteps = 2;

    /// <summary>Blocks of each kind, in turn: one thread, all threads, one thread, all threads.</summary>
    public const int BlocksPerKind = 2;

    /// <summary>Timed steps of each kind.</summary>
    public const int SamplesPerKind = BlocksPerKind * (BlockSteps - SettleSteps);

    /// <summary>
    /// Seconds of steps after a choice until it is timed again. On a shared virtual machine the same split measured
    /// 0.76x of one thread in one process and ran faster than any one-thread step (2.50 against 2.95 us per example) in
    /// another, so a choice is only as good as its last timing; timing again costs 32 steps, 16 of them on the
    /// slower side: for W3 about 6 ms of steps every 5 s.
    /// </summary>
    public const double RetimeSeconds = 5;

    private readonly double[] _single = new double[SamplesPerKind];
    private readonly double[] _split = new double[SamplesPerKind];
    private int _warmupSteps;
    private double _warmupSeconds;
    private bool _timing;
    private int _timedSteps;
    private int _singleCount;
    private int _splitCount;
    private double _decidedSeconds;

    /// <summary>Whether the choice is made (until it is timed again).</summary>
    public bool Decided { get; private set; }

    /// <summary>After <see cref="Decided"/>: whether the products split over the threads.</summary>
    public bool Splits { get; private set; } = true;

    /// <summary>The threads for the next step that would split over <paramref name="threads"/>: all of them or one.</summary>
    /// <param name="threads">The threads the batch's work allows, more than 1.</param>
    public int ThreadsForNextStep(int threads) =>
        Decided ? (Splits ? threads : 1)
        : !_timing ? threads
        : _timedSteps / BlockSteps % 2 == 0 ? 1 : threads;

    /// <summary>Records a step's time.</summary>
    /// <param name="threads">The threads it ran on (1, or more than 1 for a split).</param>
    /// <param name="seconds">Its time, gradient and update.</param>
    /// <param name="rows">Its batch's rows.</param>
    public void Record(int threads, double seconds, int rows)
    {
        if (Decided)
        {
            _decidedSeconds += seconds;
            if (_decidedSeconds >= RetimeSeconds)
            {
                Decided = false;
                _decidedSeconds = 0;
                _timedSteps = _singleCount = _splitCount = 0;
            }

            return;
        }

        if (!_timing)
        {
            _warmupSteps++;
            _warmupSeconds += seconds;
            _timing = _warmupSteps >= WarmupSteps && _warmupSeconds >= WarmupSeconds;
            return;
        }

        if (_timedSteps++ % BlockSteps < SettleSteps)
        {
            return;
        }

        if (threads == 1 && _singleCount < SamplesPerKind)
        {
            _single[_singleCount++] = seconds / rows;
        }
        else if (threads > 1 && _splitCount < SamplesPerKind)
        {
            _split[_splitCount++] = seconds / rows;
        }

        if (_singleCount == SamplesPerKind && _splitCount == SamplesPerKind)
        {
            // Medians, so that a step delayed by another process on a shared machine does not decide.
            Splits = Median(_split) < Median(_single);
            Decided = true;
        }
    }

    private static double Median(double[] values)
    {
        Array.Sort(values);
        return (values[(values.Length - 1) / 2] + values[values.Length / 2]) / 2;
    }
}
