using System;
using System.Linq;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;
using G = OptimDsl.Optimizers;

namespace OptimDsl.Tests.Classic
{
    /// <summary>
    /// Property 5: one optimizer with two parameter groups (different lr and weight_decay; the other options inherited
    /// from non-default optimizer-level values) trains bit-identically to two separate optimizers, one per group.
    /// </summary>
    public sealed class ClassicParamGroupTests
    {
        private const int Steps = 25;

        [Theory]
        [InlineData(ClassicKind.SGD)]
        [InlineData(ClassicKind.Adam)]
        [InlineData(ClassicKind.AdamW)]
        [InlineData(ClassicKind.RMSprop)]
        [InlineData(ClassicKind.Adagrad)]
        public void TwoGroupsTrainLikeTwoOptimizers(ClassicKind kind)
        {
            using var scope = NewDisposeScope();
            var model1 = new ModelSpec(new[] { new long[] { 3, 4 }, new long[] { 4 } }, Seed: 21, GradScale: 1.0, MissingGrad: 0.1);
            var model2 = new ModelSpec(new[] { new long[] { 2, 2, 3 } }, Seed: 22, GradScale: 1.0, MissingGrad: 0.1);
            Parameter[] a1 = model1.Parameters(), a2 = model2.Parameters();
            Parameter[] b1 = ClassicHarness.Copy(a1), b2 = ClassicHarness.Copy(a2);
            Tensor?[][] g1 = model1.Gradients(Steps), g2 = model2.Gradients(Steps);

            (optim.Optimizer grouped, optim.Optimizer separate1, optim.Optimizer separate2) = Build(kind, a1, a2, b1, b2);
            using (grouped)
            using (separate1)
            using (separate2)
            {
                Assert.Equal(new[] { Lr1, Lr2 }, grouped.ParamGroups.Select(g => g.LearningRate));
                Assert.Equal(new[] { Lr1, Lr2 }, grouped.ParamGroups.Select(g => g.InitialLearningRate));
                for (int t = 0; t < Steps; t++)
                {
                    ClassicHarness.SetGrads(a1, g1[t]);
                    ClassicHarness.SetGrads(a2, g2[t]);
                    ClassicHarness.SetGrads(b1, g1[t]);
                    ClassicHarness.SetGrads(b2, g2[t]);
                    grouped.step();
                    separate1.step();
                    separate2.step();
                    ClassicHarness.AssertBitIdentical(b1, a1, $"{kind} group 1, step {t + 1}");
                    ClassicHarness.AssertBitIdentical(b2, a2, $"{kind} group 2, step {t + 1}");
                }
            }
        }

        private const double Lr1 = 0.02, Wd1 = 0.1, Lr2 = 0.005, Wd2 = 0.0;

        /// <summary>(grouped over a1+a2, separate over b1, separate over b2).</summary>
        private static (optim.Optimizer, optim.Optimizer, optim.Optimizer) Build(ClassicKind kind, Parameter[] a1, Parameter[] a2, Parameter[] b1, Parameter[] b2)
        {
            const double lr1 = Lr1, wd1 = Wd1, lr2 = Lr2, wd2 = Wd2;
            return kind switch
            {
                ClassicKind.SGD => (
                    new G.SGD(new[] { new G.SGD.ParamGroup(a1, lr: lr1, weight_decay: wd1), new G.SGD.ParamGroup(a2, lr: lr2, weight_decay: wd2) }, lr: 0.5, momentum: 0.9, nesterov: true),
                    new G.SGD(b1, lr: lr1, weight_decay: wd1, momentum: 0.9, nesterov: true),
                    new G.SGD(b2, lr: lr2, weight_decay: wd2, momentum: 0.9, nesterov: true)),
                ClassicKind.Adam => (
                    new G.Adam(new[] { new G.Adam.ParamGroup(a1, lr: lr1, weight_decay: wd1), new G.Adam.ParamGroup(a2, lr: lr2, weight_decay: wd2) }, lr: 0.5, beta1: 0.8, amsgrad: true),
                    new G.Adam(b1, lr: lr1, weight_decay: wd1, beta1: 0.8, amsgrad: true),
                    new G.Adam(b2, lr: lr2, weight_decay: wd2, beta1: 0.8, amsgrad: true)),
                ClassicKind.AdamW => (
                    new G.AdamW(new[] { new G.AdamW.ParamGroup(a1, lr: lr1, weight_decay: wd1), new G.AdamW.ParamGroup(a2, lr: lr2, weight_decay: wd2) }, lr: 0.5, beta2: 0.99, maximize: true),
                    new G.AdamW(b1, lr: lr1, weight_decay: wd1, beta2: 0.99, maximize: true),
                    new G.AdamW(b2, lr: lr2, weight_decay: wd2, beta2: 0.99, maximize: true)),
                ClassicKind.RMSprop => (
                    new G.RMSprop(new[] { new G.RMSprop.ParamGroup(a1, lr: lr1, weight_decay: wd1), new G.RMSprop.ParamGroup(a2, lr: lr2, weight_decay: wd2) }, lr: 0.5, momentum: 0.5, centered: true),
                    new G.RMSprop(b1, lr: lr1, weight_decay: wd1, momentum: 0.5, centered: true),
                    new G.RMSprop(b2, lr: lr2, weight_decay: wd2, momentum: 0.5, centered: true)),
                ClassicKind.Adagrad => (
                    new G.Adagrad(new[] { new G.Adagrad.ParamGroup(a1, lr: lr1, weight_decay: wd1), new G.Adagrad.ParamGroup(a2, lr: lr2, weight_decay: wd2) }, lr: 0.5, lr_decay: 0.01, initial_accumulator_value: 0.2),
                    new G.Adagrad(b1, lr: lr1, weight_decay: wd1, lr_decay: 0.01, initial_accumulator_value: 0.2),
                    new G.Adagrad(b2, lr: lr2, weight_decay: wd2, lr_decay: 0.01, initial_accumulator_value: 0.2)),
                _ => throw new ArgumentOutOfRangeException(nameof(kind)),
            };
        }

        /// <summary>Groups added after construction (add_param_group) inherit the optimizer's defaults the same way.</summary>
        [Fact]
        public void AddParamGroupAfterConstruction_InheritsDefaults()
        {
            using var scope = NewDisposeScope();
            var model = new ModelSpec(new[] { new long[] { 3 }, new long[] { 2, 2 } }, Seed: 4, GradScale: 1.0, MissingGrad: 0);
            Parameter[] a = model.Parameters();
            Parameter[] b = ClassicHarness.Copy(a);
            using var grouped = new G.Adam(new[] { a[0] }, lr: 0.01, beta1: 0.7, amsgrad: true);
            grouped.add_param_group(new G.Adam.ParamGroup(new[] { a[1] }, lr: 0.03));
            var group = (G.Adam.ParamGroup)grouped.ParamGroups.Last();
            Assert.Equal((0.7, 0.999), group.Betas);
            Assert.True(group.Options.amsgrad);
            Assert.Equal(0.03, group.InitialLearningRate);

            using var separate0 = new G.Adam(new[] { b[0] }, lr: 0.01, beta1: 0.7, amsgrad: true);
            using var separate1 = new G.Adam(new[] { b[1] }, lr: 0.03, beta1: 0.7, amsgrad: true);
            Tensor?[][] grads = model.Gradients(10);
            for (int t = 0; t < grads.Length; t++)
            {
                ClassicHarness.SetGrads(a, grads[t]);
                ClassicHarness.SetGrads(b, grads[t]);
                grouped.step();
                separate0.step();
                separate1.step();
                ClassicHarness.AssertBitIdentical(b, a, $"step {t + 1}");
            }
        }
    }
}
