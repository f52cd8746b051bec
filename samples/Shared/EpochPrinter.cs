using System;

namespace Backprop.Samples;

/// <summary>
/// Prints every <c>interval</c>-th epoch report as it arrives. The trainer calls <see cref="Report"/> synchronously on
/// its own thread, so the lines come out in order, before Fit returns (unlike System.Progress&lt;T&gt;, which posts each
/// report to the thread pool).
/// </summary>
internal sealed class EpochPrinter(int interval) : IProgress<EpochReport>
{
    public void Report(EpochReport value)
    {
        if (value.Epoch == 1 || value.Epoch % interval == 0)
        {
            string validation = value.ValidationLoss is { } loss ? $", validation loss {loss:F4}" : string.Empty;
            Console.WriteLine($"epoch {value.Epoch,4}: training loss {value.TrainingLoss:F4}{validation}");
        }
    }
}
