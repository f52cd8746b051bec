using System.Collections.Generic;
using System.Linq;

namespace Backprop.Samples.Digits;

/// <summary>Draws the training and validation loss of each epoch with ScottPlot 5 and saves the picture as SVG.</summary>
internal static class LossCurve
{
    public static void Save(IReadOnlyList<EpochReport> history, int bestEpoch, string path)
    {
        double[] epochs = history.Select(r => (double)r.Epoch).ToArray();
        double[] training = history.Select(r => (double)r.TrainingLoss).ToArray();
        double[] validation = history.Select(r => (double)(r.ValidationLoss ?? float.NaN)).ToArray();

        var plot = new ScottPlot.Plot();
        var trainingLine = plot.Add.Scatter(epochs, training);
        trainingLine.LegendText = "training loss";
        var validationLine = plot.Add.Scatter(epochs, validation);
        validationLine.LegendText = "validation loss";
        if (bestEpoch > 0)
        {
            var best = plot.Add.VerticalLine(bestEpoch);
            best.LinePattern = ScottPlot.LinePattern.Dashed;
            best.LegendText = $"weights kept (epoch {bestEpoch})";
        }

        plot.Title("Digits 64-64-10: cross-entropy per epoch");
        plot.XLabel("epoch");
        plot.YLabel("loss");
        plot.Axes.SetLimitsY(0, training.Concat(validation).Max() * 1.05);
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        plot.SaveSvg(path, 800, 500);
    }
}
