using System.Linq;
using OptimDsl.Optimizers;
using OptimDsl.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace OptimDsl.Tests.Memory
{
    /// <summary>Optimizer state measured from the actual State tensors after a step.</summary>
    public sealed class StateMemoryTests
    {
        private static Parameter Matrix(long m, long n) => new(randn(m, n));

        private static void OneStep(optim.Optimizer optimizer, params Parameter[] parameters)
        {
            optimizer.zero_grad();
            parameters.Select(p => (p * p).sum()).Aggregate((a, b) => a.add(b, Scalars.One)).backward();
            optimizer.step();
        }

        [Theory]
        [InlineData(7, 5)]
        [InlineData(64, 3)]
        public void Sm3OnAMatrixKeepsOneAccumulatorPerRowAndColumn(long m, long n)
        {
            Parameter p = Matrix(m, n);
            using var sm3 = new SM3([p], lr: 0.1);
            OneStep(sm3, p);
            Assert.Equal((m + n) * 4, OptimizerMemory.StateBytes(sm3));

            Parameter q = Matrix(m, n);
            using var withMomentum = new SM3([q], lr: 0.1, momentum: 0.9);
            OneStep(withMomentum, q);
            Assert.Equal((m + n) * 4 + m * n * 4, OptimizerMemory.StateBytes(withMomentum));
        }

        [Fact]
        public void Sm3OnARank3TensorKeepsTheSumOfItsDimensions()
        {
            var p = new Parameter(randn(4, 6, 9));
            using var sm3 = new SM3([p]);
            OneStep(sm3, p);
            Assert.Equal((4 + 6 + 9) * 4, OptimizerMemory.StateBytes(sm3));
        }

        [Theory]
        [InlineData(7, 5)]
        [InlineData(32, 16)]
        public void AdafactorOnAMatrixKeepsRowAndColumnFactors(long m, long n)
        {
            Parameter p = Matrix(m, n);
            using var ada = new Adafactor([p]);
            OneStep(ada, p);
            Assert.Equal((m + n) * 4, OptimizerMemory.StateBytes(ada));

            Parameter q = Matrix(m, n);
            using var withFirstMoment = new Adafactor([q], lr: 1e-3, relative_step: false, beta1: 0.9);
            OneStep(withFirstMoment, q);
            Assert.Equal((m + n) * 4 + m * n * 4, OptimizerMemory.StateBytes(withFirstMoment));
        }

        [Fact]
        public void AdafactorOnARank3TensorFactorsTheLastTwoDimensions()
        {
            var p = new Parameter(randn(3, 6, 9));
            using var ada = new Adafactor([p]);
            OneStep(ada, p);
            Assert.Equal((3 * 6 + 3 * 9) * 4, OptimizerMemory.StateBytes(ada));
        }

        [Fact]
        public void AdamKeepsTwoCopiesOfTheParameter()
        {
            Parameter p = Matrix(16, 8);
            using var adam = new OptimDsl.Optimizers.Adam([p]);
            OneStep(adam, p);
            Assert.Equal(2 * 16 * 8 * 4, OptimizerMemory.StateBytes(adam));
        }

        [Theory]
        [InlineData(5, ScalarType.Float32, 4)]
        [InlineData(20, ScalarType.Float32, 4)]
        [InlineData(5, ScalarType.BFloat16, 2)]
        public void CriticalBufferHoldsCTimesTheParameterPlusOrderC(int topC, ScalarType dtype, int elementSize)
        {
            Parameter p = Matrix(64, 32);
            long numel = 64 * 32;
            using var opt = new CriticalAdam([p], topC: topC, buffer_dtype: dtype);
            OneStep(opt, p);
            var buffer = ((CriticalAdam.State)opt.state_dict().State[0]).critical!;
            long values = topC * numel * elementSize;
            Assert.Equal(values, buffer.Values.numel() * buffer.Values.element_size());

            // Beyond C × numel × element size the slot buffer holds its running sum (one parameter-sized tensor in the
            // parameter's dtype) and O(C) priorities and bookkeeping.
            long overhead = buffer.StateBytes - values - numel * 4;
            Assert.InRange(overhead, 0, 64 * topC);
        }
    }
}
