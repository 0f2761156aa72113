using System;
using System.IO;
using System.Linq;
using OptimDsl.Optimizers;
using TorchSharp;
using TorchSharp.Modules;
using Adam = OptimDsl.Optimizers.Adam;
using Xunit;
using static TorchSharp.torch;

namespace OptimDsl.Tests.Checkpoints
{
    /// <summary>
    /// What docs/CHECKPOINTS.md states about less common cases, checked: the state of a non-contiguous parameter (a
    /// transposed view, whose state <c>zeros_like</c> creates with the same strides) is saved, loaded with its layout and
    /// continues bit for bit; <c>state_dict()</c> lists the live per-parameter states, not copies, which is how a critical
    /// buffer is reached for inspection.
    /// </summary>
    [Collection(CheckpointCollection.Name)]
    public sealed class CheckpointCaveatTests
    {
        [Theory]
        [InlineData("Adam")]
        [InlineData("CriticalAdam")]
        [InlineData("SM3")]
        public void NonContiguousParameter_RoundTripsAndContinuesBitForBit(string name)
        {
            using var scope = NewDisposeScope();
            Tensor memory = randn(new long[] { 4, 3 }, generator: new Generator(3));
            var original = new Parameter(memory.clone().t()); // [3, 4], column-major
            var copy = new Parameter(memory.clone().t());
            Assert.False(original.is_contiguous());
            var generator = new Generator(4);
            Tensor[] gradients = Enumerable.Range(0, 8).Select(_ => randn(new long[] { 3, 4 }, generator: generator)).ToArray();
            using OptimizerHelper trained = Create(name, original);
            using OptimizerHelper resumed = Create(name, copy);
            for (int t = 0; t < 4; t++)
            {
                Step(trained, original, gradients[t]);
            }

            using (no_grad())
            {
                copy.copy_(original);
            }

            using (var reader = new BinaryReader(Bytes(trained)))
            {
                resumed.load_state_dict(reader);
            }
            Tensor liveState = FirstStateTensor(trained);
            Tensor loadedState = FirstStateTensor(resumed);
            Assert.Equal(liveState.stride(), loadedState.stride());
            for (int t = 4; t < gradients.Length; t++)
            {
                Step(trained, original, gradients[t]);
                Step(resumed, copy, gradients[t]);
            }

            Assert.True(original.eq(copy).all().item<bool>(), "the resumed parameter differs");
            Assert.Equal(Bytes(trained).ToArray(), Bytes(resumed).ToArray());
        }

        [Fact]
        public void StateDict_ListsTheLiveStates()
        {
            using var scope = NewDisposeScope();
            var parameter = new Parameter(randn(5));
            using var optimizer = new CriticalAdam(new[] { parameter }, topC: 2);
            var state = (CriticalAdam.State)optimizer.state_dict().State[0];
            Assert.Equal(0, state.critical!.Snapshot().Count);

            Step(optimizer, parameter, randn(5));

            Assert.Same(state, optimizer.state_dict().State[0]);
            Assert.Equal(1, state.step);
            Assert.Equal(1, state.critical!.Snapshot().Count);
        }

        private static OptimizerHelper Create(string name, Parameter parameter) => name switch
        {
            "Adam" => new Adam(new[] { parameter }, lr: 0.1),
            "CriticalAdam" => new CriticalAdam(new[] { parameter }, lr: 0.1, topC: 2),
            "SM3" => new SM3(new[] { parameter }, lr: 0.1, momentum: 0.9),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown optimizer."),
        };

        // The state's exp_avg (SM3: of the preconditioned update, created by the first step).
        private static Tensor FirstStateTensor(OptimizerHelper optimizer) => optimizer.state_dict().State[0] switch
        {
            Adam.State s => s.exp_avg,
            CriticalAdam.State s => s.exp_avg,
            SM3.State s => s.exp_avg!,
            var other => throw new InvalidOperationException("Unexpected state " + other.GetType()),
        };

        private static void Step(OptimizerHelper optimizer, Parameter parameter, Tensor gradient)
        {
            optimizer.zero_grad();
            (parameter * gradient).sum().backward();
            optimizer.step();
        }

        private static MemoryStream Bytes(OptimizerHelper optimizer)
        {
            var stream = new MemoryStream();
            using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
            {
                optimizer.save_state_dict(writer); // TorchSharp's method: the same bytes and checks (docs/DSL.md#checkpoints)
            }

            stream.Position = 0;
            return stream;
        }
    }
}
