using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using OptimDsl.Runtime;
using OptimDsl.Tests.Checkpoints;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace OptimDsl.Tests.Fused
{
    /// <summary>
    /// The fused path reads what it needs of a tensor the optimizer owns (its address, element count, dtype, layout) once per
    /// tensor, not once per step (<see cref="CachedTensorMemory"/>). These tests replace that state between fused steps in
    /// every way the optimizer or a user can — a checkpoint load, an assignment to a state field, a disposed tensor — and
    /// require the next steps to read the new tensors: bit for bit what an optimizer that never held the old ones does.
    /// </summary>
    public sealed class CachedMemoryTests
    {
        [Theory]
        [MemberData(nameof(CatalogOptimizers.Names), MemberType = typeof(CatalogOptimizers))]
        public void ACheckpointLoadedBetweenFusedSteps_IsWhatTheNextStepsUpdate(string optimizer)
        {
            using var scope = NewDisposeScope();
            Type type = CatalogOptimizers.Named(optimizer);

            // The source trains, is saved, and goes on; the live optimizer trains on other data (its caches then hold its own
            // tensors, buffers included), loads the source's checkpoint and parameters, and goes on with the same gradients.
            var (source, sourceParameters) = CheckpointHarness.Trained(type, seed: 2, steps: 5);
            var (live, liveParameters) = CheckpointHarness.Trained(type, seed: 3, steps: 4);
            using (source)
            using (live)
            {
                CheckpointHarness.Load(live, CheckpointHarness.Save(source));
                CopyValues(sourceParameters, liveParameters);

                CheckpointHarness.Train(source, sourceParameters, seed: 9, steps: 4);
                CheckpointHarness.Train(live, liveParameters, seed: 9, steps: 4);

                AssertSameRun(source, sourceParameters, live, liveParameters, optimizer + ": the state after the load differs from the source's");
            }
        }

        [Theory]
        [MemberData(nameof(CatalogOptimizers.Names), MemberType = typeof(CatalogOptimizers))]
        public void AStateFieldAssignedAnotherTensor_IsWhatTheNextStepsUpdate(string optimizer)
        {
            using var scope = NewDisposeScope();
            Type type = CatalogOptimizers.Named(optimizer);
            var (reference, referenceParameters) = CheckpointHarness.Trained(type, seed: 4, steps: 3);
            var (assigned, assignedParameters) = CheckpointHarness.Trained(type, seed: 4, steps: 3);
            using (reference)
            using (assigned)
            {
                // Every state tensor field takes a copy of its tensor; the old tensors stay alive (a step that still wrote
                // into them would leave the copies unchanged, and the states would differ).
                var replaced = new List<Tensor>();
                foreach (OptimizerState state in assigned.state_dict().State)
                {
                    foreach (FieldInfo field in state.GetType().GetFields(BindingFlags.Public | BindingFlags.Instance).Where(f => f.FieldType == typeof(Tensor)))
                    {
                        if (field.GetValue(state) is Tensor old)
                        {
                            replaced.Add(old);
                            field.SetValue(state, old.clone().DetachFromDisposeScope());
                        }
                    }
                }

                Assert.True(replaced.Count > 0 || type.GetNestedType("State")!.GetFields().All(f => f.FieldType != typeof(Tensor)), optimizer + ": no state tensor was replaced");
                CheckpointHarness.Train(reference, referenceParameters, seed: 11, steps: 3);
                CheckpointHarness.Train(assigned, assignedParameters, seed: 11, steps: 3);

                AssertSameRun(reference, referenceParameters, assigned, assignedParameters, optimizer + ": a step kept updating a replaced state tensor");
                foreach (Tensor old in replaced)
                {
                    old.Dispose();
                }
            }
        }

        [Fact]
        public void ADisposedStateTensor_FailsTheStepBeforeAnythingChanges()
        {
            using var scope = NewDisposeScope();
            var parameters = CheckpointHarness.Parameters(5);
            using var optimizer = new OptimDsl.Optimizers.Adam(parameters, fused: true);
            foreach (Parameter p in parameters)
            {
                p.grad = ones_like(p);
            }

            optimizer.step();
            Tensor[] before = parameters.Select(p => p.detach().clone()).ToArray();
            var state = (OptimDsl.Optimizers.Adam.State)optimizer.state_dict().State[1];
            state.exp_avg.Dispose();

            Assert.Throws<InvalidOperationException>(() => optimizer.step());
            for (int i = 0; i < parameters.Length; i++)
            {
                Assert.True(FusedDispatchTests.BitEqual(parameters[i], before[i]), "parameter " + i + " changed although the step failed");
            }
        }

        [Fact]
        public void AGradientWithAnotherElementCount_NeverReachesTheKernels()
        {
            using var scope = NewDisposeScope();
            var parameter = new Parameter(randn(6));
            using var optimizer = new OptimDsl.Optimizers.Adam(new[] { parameter }, fused: true);
            parameter.grad = ones(4);

            var e = Assert.Throws<ArgumentException>(() => optimizer.step());
            Assert.Equal("fused", e.ParamName);
            Assert.Contains("its gradient has 4 elements, not 6", e.Message);
        }

        [Fact]
        public void Address_IsTheTensorsMemory_AndFollowsTheFieldToANewTensor()
        {
            using var scope = NewDisposeScope();
            Tensor first = tensor(Enumerable.Range(0, 10).Select(i => (float)i).ToArray());
            Tensor second = tensor(Enumerable.Range(0, 7).Select(i => (float)i).ToArray());
            var memory = default(CachedTensorMemory);

            Assert.True(IsTheMemoryOf(first, memory.Elements<float>(first)));
            Assert.True(memory.IsHostMemoryOf(first, ScalarType.Float32));
            Assert.False(memory.IsHostMemoryOf(first, ScalarType.Float64));
            nint firstAddress = memory.Address(first);
            Assert.True(IsTheMemoryOf(second, memory.Elements<float>(second)));
            Assert.NotEqual(firstAddress, memory.Address(second));
            Assert.Equal(7, memory.Elements<float>(second).Length);
            Assert.Equal(6f, memory.Elements<float>(second)[6]);
            Assert.Equal(firstAddress + 3 * sizeof(float), memory.ElementAddress(first, 3));
            Assert.Throws<ArgumentOutOfRangeException>(() => memory.ElementAddress(first, 11));
            Assert.Equal(ScalarType.Float32, memory.Dtype(first));
        }

        [Fact]
        public void ANonContiguousTensor_IsNotHostMemory_AndHasNoAddress()
        {
            using var scope = NewDisposeScope();
            Tensor transposed = randn(3, 4).t();
            var memory = default(CachedTensorMemory);

            Assert.False(memory.IsHostMemoryOf(transposed, ScalarType.Float32));
            var e = Assert.Throws<InvalidOperationException>(() => memory.Address(transposed));
            Assert.Contains("not contiguous", e.Message);
            Assert.Equal(0, memory.AddressOrZero(null));
        }

        [Fact]
        public void Elements_OfAnotherSize_Throw()
        {
            using var scope = NewDisposeScope();
            Tensor longs = zeros(new long[] { 3 }, dtype: ScalarType.Int64);
            var memory = default(CachedTensorMemory);

            Assert.Equal(3, memory.Elements<long>(longs).Length);
            var e = Assert.Throws<InvalidOperationException>(() => memory.Elements<float>(longs));
            Assert.Contains("Single", e.Message);
        }

        [Fact]
        public void ADisposedTensor_Throws()
        {
            Tensor tensor = zeros(5);
            var memory = default(CachedTensorMemory);
            memory.Address(tensor);
            tensor.Dispose();

            Assert.Throws<InvalidOperationException>(() => memory.Address(tensor));
        }

        private static bool IsTheMemoryOf(Tensor tensor, Span<float> elements) =>
            elements.Length == tensor.numel()
            && Unsafe.AreSame(ref MemoryMarshal.GetReference(elements), ref MemoryMarshal.GetReference(MemoryMarshal.Cast<byte, float>(tensor.bytes)));

        private static void CopyValues(Parameter[] from, Parameter[] to)
        {
            using (no_grad())
            {
                for (int i = 0; i < from.Length; i++)
                {
                    to[i].copy_(from[i]);
                }
            }
        }

        // Parameters and everything the optimizers hold, bit for bit.
        private static void AssertSameRun(OptimizerHelper expected, Parameter[] expectedParameters, OptimizerHelper actual, Parameter[] actualParameters, string message)
        {
            for (int i = 0; i < expectedParameters.Length; i++)
            {
                Assert.True(FusedDispatchTests.BitEqual(expectedParameters[i], actualParameters[i]), message + " (parameter " + i + " differs)");
            }

            Assert.True(CheckpointHarness.Snapshot(expected).AsSpan().SequenceEqual(CheckpointHarness.Snapshot(actual)), message);
        }
    }
}
