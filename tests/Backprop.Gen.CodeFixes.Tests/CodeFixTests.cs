using System.Threading.Tasks;
using Xunit;

namespace Backprop.CodeFixes.Tests;

/// <summary>Each code fix: the source before and after, where it is offered, and where it is not.</summary>
public sealed class CodeFixTests
{
    private const string Usings = "using Backprop;\n\n";

    [Fact]
    public Task BPG001_adds_partial_after_the_other_modifiers() => new FixTest<PartialFix>(Usings + """
        [Network(Layers = new[] { 8, 4, 1 }, Activations = new[] { Activation.ReLU, Activation.Sigmoid })]
        public sealed class {|BPG001:TinyNet|} { }
        """, Usings + """
        [Network(Layers = new[] { 8, 4, 1 }, Activations = new[] { Activation.ReLU, Activation.Sigmoid })]
        public sealed partial class TinyNet { }
        """).RunAsync();

    [Fact]
    public Task BPG001_fixes_every_network_of_a_document_at_once() => new FixTest<PartialFix>(Usings + """
        [Network(Layers = new[] { 8, 4, 1 }, Activations = new[] { Activation.ReLU, Activation.Sigmoid })]
        class {|BPG001:First|} { }

        [Network(Layers = new[] { 2, 1 }, Activations = new[] { Activation.Identity })]
        internal class {|BPG001:Second|} { }
        """, Usings + """
        [Network(Layers = new[] { 8, 4, 1 }, Activations = new[] { Activation.ReLU, Activation.Sigmoid })]
        partial class First { }

        [Network(Layers = new[] { 2, 1 }, Activations = new[] { Activation.Identity })]
        internal partial class Second { }
        """).RunAsync();

    [Fact]
    public Task BPG011_adds_partial_to_each_containing_type() => new FixTest<PartialFix>(Usings + """
        public static class {|BPG011:Outer|}
        {
            internal class {|BPG011:Middle|}
            {
                [Network(Layers = new[] { 2, 1 }, Activations = new[] { Activation.Identity })]
                public partial class Inner { }
            }
        }
        """, Usings + """
        public static partial class Outer
        {
            internal partial class Middle
            {
                [Network(Layers = new[] { 2, 1 }, Activations = new[] { Activation.Identity })]
                public partial class Inner { }
            }
        }
        """).RunAsync();

    [Fact]
    public Task BPG010_removes_static() => new FixTest<StaticFix>(Usings + """
        [Network(Layers = new[] { 2, 1 }, Activations = new[] { Activation.Identity })]
        public static partial class {|BPG010:LinearNet|} { }
        """, Usings + """
        [Network(Layers = new[] { 2, 1 }, Activations = new[] { Activation.Identity })]
        public partial class LinearNet { }
        """).RunAsync();

    [Fact]
    public Task BPG010_keeps_the_line_when_static_comes_first() => new FixTest<StaticFix>(Usings + """
        [Network(Layers = new[] { 2, 1 }, Activations = new[] { Activation.Identity })]
        static partial class {|BPG010:LinearNet|} { }
        """, Usings + """
        [Network(Layers = new[] { 2, 1 }, Activations = new[] { Activation.Identity })]
        partial class LinearNet { }
        """).RunAsync();

    [Fact]
    public Task BPG004_adds_the_output_activation_the_loss_needs() => new FixTest<ActivationsFix>(Usings + """
        [Network(Layers = new[] { 8, 4, 3 }, Activations = {|BPG004:new[] { Activation.ReLU }|}, Loss = LossFunction.CrossEntropy)]
        public partial class Classifier { }
        """, Usings + """
        [Network(Layers = new[] { 8, 4, 3 }, Activations = new[] { Activation.ReLU, Activation.Softmax }, Loss = LossFunction.CrossEntropy)]
        public partial class Classifier { }
        """).RunAsync();

    [Fact]
    public Task BPG004_adds_Identity_for_the_output_of_a_regression() => new FixTest<ActivationsFix>(Usings + """
        [Network(Layers = new[] { 8, 4, 4, 1 }, Activations = {|BPG004:[Activation.Tanh]|})]
        public partial class Regression { }
        """, Usings + """
        [Network(Layers = new[] { 8, 4, 4, 1 }, Activations = [Activation.Tanh, Activation.Tanh, Activation.Identity])]
        public partial class Regression { }
        """).RunAsync();

    [Fact]
    public Task BPG004_repeats_the_hidden_activation_before_the_output_written_last() => new FixTest<ActivationsFix>(Usings + """
        [Network(Layers = new[] { 8, 16, 8, 1 }, Activations = {|BPG004:new Activation[] { Activation.ReLU, Activation.Sigmoid }|}, Loss = LossFunction.BinaryCrossEntropy)]
        public partial class Detector { }
        """, Usings + """
        [Network(Layers = new[] { 8, 16, 8, 1 }, Activations = new Activation[] { Activation.ReLU, Activation.ReLU, Activation.Sigmoid }, Loss = LossFunction.BinaryCrossEntropy)]
        public partial class Detector { }
        """).RunAsync();

    [Fact]
    public Task BPG004_drops_extra_hidden_activations_and_keeps_the_output() => new FixTest<ActivationsFix>(Usings + """
        [Network(Layers = new[] { 8, 4, 1 }, Activations = {|BPG004:new[] { Activation.ReLU, Activation.Tanh, Activation.Sigmoid }|})]
        public partial class TinyNet { }
        """, Usings + """
        [Network(Layers = new[] { 8, 4, 1 }, Activations = new[] { Activation.ReLU, Activation.Sigmoid })]
        public partial class TinyNet { }
        """).RunAsync();

    [Fact]
    public Task BPG004_is_not_offered_without_a_hidden_activation_to_repeat() => new FixTest<ActivationsFix>(Usings + """
        [Network(Layers = new[] { 8, 4, 3 }, Activations = {|BPG004:new[] { Activation.Softmax }|}, Loss = LossFunction.CrossEntropy)]
        public partial class Classifier { }
        """, Usings + """
        [Network(Layers = new[] { 8, 4, 3 }, Activations = {|BPG004:new[] { Activation.Softmax }|}, Loss = LossFunction.CrossEntropy)]
        public partial class Classifier { }
        """).RunAsync();

    [Fact]
    public Task BPG004_is_not_offered_when_Activations_is_missing() => new FixTest<ActivationsFix>(Usings + """
        [{|BPG004:Network(Layers = new[] { 8, 4, 1 })|}]
        public partial class TinyNet { }
        """, Usings + """
        [{|BPG004:Network(Layers = new[] { 8, 4, 1 })|}]
        public partial class TinyNet { }
        """).RunAsync();

    [Fact]
    public Task BPG005_moves_Softmax_to_the_output_layer() => new FixTest<ActivationsFix>(Usings + """
        [Network(Layers = new[] { 8, 6, 4, 3 }, Activations = new[] { {|BPG005:Activation.Softmax|}, Activation.ReLU, Activation.Identity })]
        public partial class Classifier { }
        """, Usings + """
        [Network(Layers = new[] { 8, 6, 4, 3 }, Activations = new[] { Activation.ReLU, Activation.ReLU, Activation.Softmax })]
        public partial class Classifier { }
        """, "BPG005MoveSoftmax").RunAsync();

    [Fact]
    public Task BPG005_replaces_the_hidden_Softmax_with_the_hidden_activation_used_elsewhere() => new FixTest<ActivationsFix>(Usings + """
        [Network(Layers = new[] { 8, 6, 4, 3 }, Activations = new[] { {|BPG005:Activation.Softmax|}, Activation.ReLU, Activation.Identity })]
        public partial class Classifier { }
        """, Usings + """
        [Network(Layers = new[] { 8, 6, 4, 3 }, Activations = new[] { Activation.ReLU, Activation.ReLU, Activation.Identity })]
        public partial class Classifier { }
        """, "BPG005ReplaceSoftmax").RunAsync();

    [Fact]
    public Task BPG005_moves_Softmax_by_swapping_when_no_other_hidden_activation_exists() => new FixTest<ActivationsFix>(Usings + """
        [Network(Layers = new[] { 8, 4, 3 }, Activations = new[] { {|BPG005:Activation.Softmax|}, Activation.Tanh })]
        public partial class Classifier { }
        """, Usings + """
        [Network(Layers = new[] { 8, 4, 3 }, Activations = new[] { Activation.Tanh, Activation.Softmax })]
        public partial class Classifier { }
        """, "BPG005MoveSoftmax").RunAsync();

    [Fact]
    public Task BPG005_does_not_offer_a_replacement_when_no_other_hidden_activation_exists() => new FixTest<ActivationsFix>(Usings + """
        [Network(Layers = new[] { 8, 4, 3 }, Activations = new[] { {|BPG005:Activation.Softmax|}, Activation.Tanh })]
        public partial class Classifier { }
        """, Usings + """
        [Network(Layers = new[] { 8, 4, 3 }, Activations = new[] { {|BPG005:Activation.Softmax|}, Activation.Tanh })]
        public partial class Classifier { }
        """, "BPG005ReplaceSoftmax").RunAsync();

    [Fact]
    public Task BPG006_can_make_the_output_Softmax() => new FixTest<OutputOrLossFix>(Usings + """
        [Network(Layers = new[] { 8, 4, 3 }, Activations = new[] { Activation.ReLU, Activation.Sigmoid }, Loss = {|BPG006:LossFunction.CrossEntropy|})]
        public partial class Classifier { }
        """, Usings + """
        [Network(Layers = new[] { 8, 4, 3 }, Activations = new[] { Activation.ReLU, Activation.Softmax }, Loss = LossFunction.CrossEntropy)]
        public partial class Classifier { }
        """, "BPG006Output").RunAsync();

    [Fact]
    public Task BPG006_can_use_the_loss_the_output_implies() => new FixTest<OutputOrLossFix>(Usings + """
        [Network(Layers = new[] { 8, 4, 3 }, Activations = new[] { Activation.ReLU, Activation.Sigmoid }, Loss = {|BPG006:LossFunction.CrossEntropy|})]
        public partial class Classifier { }
        """, Usings + """
        [Network(Layers = new[] { 8, 4, 3 }, Activations = new[] { Activation.ReLU, Activation.Sigmoid }, Loss = LossFunction.BinaryCrossEntropy)]
        public partial class Classifier { }
        """, "BPG006Loss").RunAsync();

    [Fact]
    public Task BPG007_can_make_the_output_Sigmoid() => new FixTest<OutputOrLossFix>(Usings + """
        [Network(Layers = new[] { 8, 4, 1 }, Activations = [Activation.ReLU, Activation.Identity], Loss = {|BPG007:LossFunction.BinaryCrossEntropy|})]
        public partial class Detector { }
        """, Usings + """
        [Network(Layers = new[] { 8, 4, 1 }, Activations = [Activation.ReLU, Activation.Sigmoid], Loss = LossFunction.BinaryCrossEntropy)]
        public partial class Detector { }
        """, "BPG007Output").RunAsync();

    [Fact]
    public Task BPG007_can_use_mean_squared_error_for_an_Identity_output() => new FixTest<OutputOrLossFix>(Usings + """
        [Network(Layers = new[] { 8, 4, 1 }, Activations = [Activation.ReLU, Activation.Identity], Loss = {|BPG007:LossFunction.BinaryCrossEntropy|})]
        public partial class Detector { }
        """, Usings + """
        [Network(Layers = new[] { 8, 4, 1 }, Activations = [Activation.ReLU, Activation.Identity], Loss = LossFunction.MeanSquaredError)]
        public partial class Detector { }
        """, "BPG007Loss").RunAsync();

    [Fact]
    public Task BPG013_replaces_an_undefined_activation_with_the_nearest_member() => new FixTest<EnumValueFix>(Usings + """
        [Network(Layers = new[] { 8, 4, 3 }, Activations = new[] { Activation.ReLU, {|BPG013:(Activation)7|} })]
        public partial class Classifier { }
        """, Usings + """
        [Network(Layers = new[] { 8, 4, 3 }, Activations = new[] { Activation.ReLU, Activation.Softmax })]
        public partial class Classifier { }
        """).RunAsync();

    [Fact]
    public Task BPG013_replaces_an_undefined_loss_with_the_nearest_member() => new FixTest<EnumValueFix>(Usings + """
        [Network(Layers = new[] { 8, 4, 1 }, Activations = new[] { Activation.ReLU, Activation.Identity }, Loss = {|BPG013:(LossFunction)(-1)|})]
        public partial class Regression { }
        """, Usings + """
        [Network(Layers = new[] { 8, 4, 1 }, Activations = new[] { Activation.ReLU, Activation.Identity }, Loss = LossFunction.MeanSquaredError)]
        public partial class Regression { }
        """).RunAsync();
}
