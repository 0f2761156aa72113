using System.Linq;
using OptimDsl.Optimizers;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static OptimDsl.Tests.CriticalCatalog.CatalogHarness;
using static TorchSharp.torch;

namespace OptimDsl.Tests.CriticalCatalog
{
    /// <summary>The exact reproductions keep the references' documented quirks on purpose (ALGORITHMS.md §1.3, §2.3, §7).</summary>
    public sealed class ReferenceQuirkTests
    {
        [Fact]
        public void AdamCmFirstStepDoesNotMoveTheParameters()
        {
            Parameter[] p = Parameters([1.0, 1.0]);
            using var opt = new Adam_CM(p, lr: 0.1, topC: 2, decay: 0.7);
            Step(opt, p, [tensor(new[] { 1.0, -2.0 }, dtype: ScalarType.Float64)]);
            Assert.Equal(new[] { 1.0, 1.0 }, Values(p)[0]);
            var state = (Adam_CM.State)opt.state_dict().State[0];
            Assert.Equal(0.0, state.exp_avg.abs().sum().item<double>());

            // ALGORITHMS.md 7.6, step 2: the first real update uses bias correction 1 - 0.9^2 although m holds one gradient.
            Step(opt, p, [tensor(new[] { 0.5, 0.5 }, dtype: ScalarType.Float64)]);
            Assert.Equal(0.2558631865, Values(p)[0][0], 9);
            Assert.Equal(1.744136818, Values(p)[0][1], 8);
        }

        [Fact]
        public void AdamCmFirstStepStillAppliesDecoupledWeightDecay()
        {
            Parameter[] p = Parameters([1.0, 1.0]);
            using var opt = new Adam_CM(p, lr: 0.1, weight_decay: 0.5);
            Step(opt, p, [tensor(new[] { 1.0, -2.0 }, dtype: ScalarType.Float64)]);
            Assert.Equal(new[] { 0.95, 0.95 }, Values(p)[0]);
        }

        [Fact]
        public void CorrectedCriticalMomentaAdamMovesOnTheFirstStep()
        {
            Parameter[] p = Parameters([1.0, 1.0]);
            using var opt = new CriticalMomentaAdam(p, lr: 0.1, topC: 2, decay: 0.7);
            Step(opt, p, [tensor(new[] { 1.0, -2.0 }, dtype: ScalarType.Float64)]);
            double[] after = Values(p)[0];
            Assert.Equal(0.9, after[0], 6);
            Assert.Equal(1.1, after[1], 6);
        }

        // ALGORITHMS.md 7.5: SGD_C lr=1, topC=2, decay=1, g = 1, 5, 3, 4, 0.5. After the trim the heap list is [5, 3]
        // and the stale threshold 5 rejects 4; a true-minimum buffer admits it.
        [Fact]
        public void HeapBufferAdmitsAgainstTheStaleMinimumLikeOptimPy()
        {
            double[] expectedHeap = [-1, -7, -13, -21, -25.5];
            double[] expectedTrueMinimum = [-1, -7, -13, -21, -26];
            double[] g = [1, 5, 3, 4, 0.5];

            Parameter[] heap = Parameters([0.0]);
            Parameter[] slots = Parameters([0.0]);
            using var exact = new SGD_C(heap, lr: 1, topC: 2, decay: 1.0, aggr: AggregationRule.Sum);
            using var corrected = new CriticalSGD(slots, lr: 1, topC: 2, decay: 1.0, aggr: AggregationRule.Sum);
            for (int t = 0; t < g.Length; t++)
            {
                Step(exact, heap, [tensor(new[] { g[t] }, dtype: ScalarType.Float64)]);
                Step(corrected, slots, [tensor(new[] { g[t] }, dtype: ScalarType.Float64)]);
                Assert.Equal(expectedHeap[t], Values(heap)[0][0], 12);
                Assert.Equal(expectedTrueMinimum[t], Values(slots)[0][0], 12);
            }

            var heapState = (SGD_C.State)exact.state_dict().State[0];
            Assert.Equal(new[] { 5.0, 3.0 }, heapState.critical!.StoredPriorities());
        }

        // ALGORITHMS.md 7.2: synced priority is the sum of per-tensor norms (5+1, 1+5, 10+0), not the global norm.
        [Fact]
        public void SyncedPriorityIsTheSumOfPerTensorGradientNorms()
        {
            Parameter[] p = Parameters([1.0, 1.0], [0.5]);
            using var opt = new SGD_C(p, lr: 0.1, topC: 1, decay: 0.5, aggr: AggregationRule.Sum, synced: true);
            double[][] w = [[3, 4], [0, 1], [6, 8]];
            double[][] b = [[1], [5], [0]];
            double[][] expectedW = [[0.7, 0.6], [0.4, 0.1], [-0.2, -0.8]];
            double[][] expectedB = [[0.4], [-0.2], [-0.7]];
            double[] expectedKey = [3, 3, 5];
            for (int t = 0; t < 3; t++)
            {
                Step(opt, p, [tensor(w[t], dtype: ScalarType.Float64), tensor(b[t], dtype: ScalarType.Float64)]);
                double[][] v = Values(p);
                for (int k = 0; k < 2; k++) Assert.Equal(expectedW[t][k], v[0][k], 12);
                Assert.Equal(expectedB[t][0], v[1][0], 12);
                foreach (var state in opt.state_dict().State.Cast<SGD_C.State>())
                {
                    Assert.Equal(new[] { expectedKey[t] }, state.critical!.StoredPriorities());
                }
            }
        }
    }
}
