using System;
using System.IO;
using System.IO.Hashing;
using System.Linq;
using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace OptimDsl.Examples.Checkpoints
{
    /// <summary>How two runs that should be the same run compare, after the same number of epochs.</summary>
    /// <param name="MaxWeightDifference">The largest |difference| between corresponding weights (0 = bit for bit, for finite weights).</param>
    /// <param name="DifferentWeights">How many weights differ at all.</param>
    /// <param name="OptimizerBytes">Length of the first run's optimizer checkpoint.</param>
    /// <param name="OptimizerChecksum">XxHash64 of the first run's optimizer checkpoint.</param>
    /// <param name="OptimizerStatesIdentical">Whether both optimizers write the same checkpoint, byte for byte: same step counts,
    /// moments, buffers (entries, priorities, slots, random state), learning rates and hyper-parameters.</param>
    internal sealed record Continuation(double MaxWeightDifference, long DifferentWeights, long OptimizerBytes, ulong OptimizerChecksum,
        bool OptimizerStatesIdentical)
    {
        /// <summary>Compares two runs' weights and optimizer states.</summary>
        /// <param name="expected">The uninterrupted run.</param>
        /// <param name="actual">The resumed run.</param>
        public static Continuation Compare(ResumableRun expected, ResumableRun actual)
        {
            if (expected.CompletedEpochs != actual.CompletedEpochs)
            {
                throw new ArgumentException($"The runs are at epochs {expected.CompletedEpochs} and {actual.CompletedEpochs}; compare them at the same epoch.", nameof(actual));
            }

            double max = 0;
            long different = 0;
            using (var scope = NewDisposeScope())
            using (no_grad())
            {
                foreach (var (a, b) in expected.Model.parameters().Zip(actual.Model.parameters()))
                {
                    Tensor difference = (a.to(ScalarType.Float64) - b.to(ScalarType.Float64)).abs();
                    max = Math.Max(max, difference.max().item<double>());
                    different += a.ne(b).sum().item<long>();
                }
            }

            byte[] first = CheckpointBytes(expected);
            byte[] second = CheckpointBytes(actual);
            return new Continuation(max, different, first.Length, XxHash64.HashToUInt64(first), first.AsSpan().SequenceEqual(second));
        }

        private static byte[] CheckpointBytes(ResumableRun run)
        {
            using var stream = new MemoryStream();
            using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
            {
                run.Optimizer.save_state_dict(writer);
            }

            return stream.ToArray();
        }
    }
}
