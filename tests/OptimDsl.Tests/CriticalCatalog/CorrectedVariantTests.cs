using System;
using System.Collections.Generic;
using System.Linq;
using OptimDsl.Optimizers;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static OptimDsl.Tests.CriticalCatalog.CatalogHarness;
using static TorchSharp.torch;

namespace OptimDsl.Tests.CriticalCatalog
{
    /// <summary>The corrected variants have none of the references' crashes and losses.</summary>
    public sealed class CorrectedVariantTests
    {
        private static readonly long[][] Shapes = [[5], [3, 4], [2, 3, 2]];

        public static IEnumerable<object[]> KappaZeroPairs()
        {
            yield return Pair("CriticalSGD ≡ SGD", p => new CriticalSGD(p, lr: 0.05, momentum: 0.9, weight_decay: 0.01, nesterov: true, kappa: 0), p => new OptimDsl.Optimizers.SGD(p, lr: 0.05, momentum: 0.9, weight_decay: 0.01, nesterov: true));
            yield return Pair("CriticalAdam ≡ Adam", p => new CriticalAdam(p, lr: 0.01, weight_decay: 0.01, amsgrad: true, kappa: 0), p => new OptimDsl.Optimizers.Adam(p, lr: 0.01, weight_decay: 0.01, amsgrad: true));
            yield return Pair("CriticalAdamW ≡ AdamW", p => new CriticalAdamW(p, lr: 0.01, weight_decay: 0.1, kappa: 0), p => new OptimDsl.Optimizers.AdamW(p, lr: 0.01, weight_decay: 0.1));
            yield return Pair("CriticalRMSprop ≡ RMSprop", p => new CriticalRMSprop(p, lr: 0.01, momentum: 0.9, kappa: 0), p => new OptimDsl.Optimizers.RMSprop(p, lr: 0.01, momentum: 0.9));
            yield return Pair("CriticalMomentaAdam ≡ AdamW", p => new CriticalMomentaAdam(p, lr: 0.01, weight_decay: 0.1, kappa: 0), p => new OptimDsl.Optimizers.AdamW(p, lr: 0.01, weight_decay: 0.1));
        }

        private static object[] Pair(string name, Func<Parameter[], optim.Optimizer> critical, Func<Parameter[], optim.Optimizer> baseline) =>
            [name, critical, baseline];

        [Theory]
        [MemberData(nameof(KappaZeroPairs))]
        public void KappaZeroIsExactlyTheBaseOptimizer(string name, Func<Parameter[], optim.Optimizer> critical, Func<Parameter[], optim.Optimizer> baseline)
        {
            Parameter[] a = RandomParameters(7, Shapes);
            Parameter[] b = Clone(a);
            using optim.Optimizer x = critical(a);
            using optim.Optimizer y = baseline(b);
            foreach (Tensor[] g in Gradients(7, 30, a))
            {
                Step(x, a, g);
                Step(y, b, g);
            }

            for (int i = 0; i < a.Length; i++)
            {
                Assert.True(BitEqual(a[i], b[i]), name + ": parameter " + i + " differs");
            }

            Assert.All(((OptimizerHelper)x).state_dict().State, s => Assert.Null(s.GetType().GetField("critical")!.GetValue(s)));
        }

        public static IEnumerable<object[]> CorrectedVariants()
        {
            yield return Make("CriticalSGD", p => new CriticalSGD(p, lr: 0.05, momentum: 0.9, topC: 3, decay: 0.7, buffer_dtype: ScalarType.Float64));
            yield return Make("CriticalAdam", p => new CriticalAdam(p, lr: 0.01, topC: 3, decay: 0.9, amsgrad: true));
            yield return Make("CriticalAdamW", p => new CriticalAdamW(p, lr: 0.01, topC: 4, decay: 0.9, aggr: AggregationRule.Mid));
            yield return Make("CriticalRMSprop", p => new CriticalRMSprop(p, lr: 0.01, topC: 2, centered: true, momentum: 0.5, max_age: 3));
            yield return Make("CriticalMomentaAdam", p => new CriticalMomentaAdam(p, lr: 0.01, topC: 3, critical_test: 0.3, seed: 42));
            yield return Make("Adam_C_eff", p => new Adam_C_eff(p, lr: 0.01, topC: 3, decay: 0.7));
            yield return Make("SGD_C (heap)", p => new SGD_C(p, lr: 0.01, topC: 3, decay: 0.7, momentum: 0.9));
            yield return Make("Adam_CM", p => new Adam_CM(p, lr: 0.01, topC: 3, decay: 0.7, critical_test: 0.5, seed: 3));
            yield return Make("SM3CriticalMomenta", p => new SM3CriticalMomenta(p, lr: 0.05, topC: 3));
            yield return Make("AdafactorCriticalGradients", p => new AdafactorCriticalGradients(p, topC: 3, aggr: AggregationRule.Sum));
        }

        private static object[] Make(string name, Func<Parameter[], OptimizerHelper> create) => [name, create];

        [Theory]
        [MemberData(nameof(CorrectedVariants))]
        public void CheckpointRoundTripKeepsTheBufferAndContinuesIdentically(string name, Func<Parameter[], OptimizerHelper> create)
        {
            Parameter[] uninterrupted = RandomParameters(11, Shapes);
            List<Tensor[]> gradients = Gradients(11, 40, uninterrupted);
            using OptimizerHelper reference = create(uninterrupted);
            foreach (Tensor[] g in gradients.Take(25))
            {
                Step(reference, uninterrupted, g);
            }

            byte[] checkpoint = Save(reference);
            Parameter[] resumed = Clone(uninterrupted);
            using OptimizerHelper restored = create(resumed);
            Load(restored, checkpoint);

            // The buffer's contents and priorities come back bit-exactly.
            var before = reference.state_dict().State;
            var after = restored.state_dict().State;
            for (int i = 0; i < before.Count; i++)
            {
                var b = (Runtime.CriticalBuffer?)before[i].GetType().GetField("critical")!.GetValue(before[i]);
                var a = (Runtime.CriticalBuffer?)after[i].GetType().GetField("critical")!.GetValue(after[i]);
                Assert.NotNull(b);
                Assert.NotNull(a);
                Assert.True(BitEqual(b!.Values, a!.Values), name + ": buffer values differ after loading");
                Assert.Equal(b.StoredPriorities(), a.StoredPriorities());
                Assert.Equal(b.StoredCount(), a.StoredCount());
                Assert.True(before[i].ApproximatelyEquals(after[i]), name + ": state " + i + " differs after loading");
            }

            Assert.Equal(Save(reference), Save(restored));

            foreach (Tensor[] g in gradients.Skip(25))
            {
                Step(reference, uninterrupted, g);
                Step(restored, resumed, g);
            }

            for (int i = 0; i < uninterrupted.Length; i++)
            {
                Assert.True(BitEqual(uninterrupted[i], resumed[i]), name + ": parameter " + i + " differs after resuming");
            }
        }

        [Fact]
        public void CheckpointOfAnotherOptimizerIsRejectedWithAClearMessage()
        {
            Parameter[] p = RandomParameters(3, Shapes);
            using var adam = new Adam_C_eff(p);
            using var cm = new CM_Adam_C(Clone(p));
            byte[] checkpoint = Save(adam);
            var error = Assert.ThrowsAny<Exception>(() => Load(cm, checkpoint));
            Assert.True(error is System.IO.InvalidDataException, error.GetType() + ": " + error.Message);
        }
    }
}
