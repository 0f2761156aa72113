using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using OptimDsl.Tests.Fused;
using TorchSharp.Modules;
using Xunit;
using Xunit.Abstractions;
using static OptimDsl.Tests.Checkpoints.CheckpointHarness;
using static TorchSharp.torch;

namespace OptimDsl.Tests.Checkpoints
{
    /// <summary>
    /// Seeded random damage to checkpoints of optimizers with every kind of state (plain moments, a heap and a slot critical
    /// buffer with its random generator, SM3 accumulators, Adafactor factors): truncations, bit flips, inserted and deleted
    /// bytes, anywhere in the file (TorchSharp's header, OptimDsl's frame header, the payload, its end).
    /// </summary>
    [Collection(CheckpointCollection.Name)]
    public sealed class CheckpointFuzzTests
    {
        private static readonly string[] Optimizers = { "Adam", "SGD_C", "Adam_CM", "SM3CriticalMomenta", "AdafactorCriticalGradients", "CriticalRMSprop" };

        private readonly ITestOutputHelper _output;

        public CheckpointFuzzTests(ITestOutputHelper output) => _output = output;

        /// <summary>The generated load_state_dict(string): every corruption throws InvalidDataException with a readable message, and nothing changes.</summary>
        [Fact]
        public void EveryCorruptionOfACheckpointFileFailsReadablyAndChangesNothing()
        {
            const int PerOptimizer = 180;
            var watch = Stopwatch.StartNew();
            var kinds = new Dictionary<string, int>();
            for (int o = 0; o < Optimizers.Length; o++)
            {
                string name = Optimizers[o];
                using var scope = NewDisposeScope();
                Type type = CatalogOptimizers.Named(name);
                byte[] checkpoint;
                using (OptimizerHelper source = Trained(type, 11).Optimizer)
                {
                    checkpoint = Save(source);
                }

                using OptimizerHelper target = Trained(type, 22).Optimizer;
                byte[] before = Snapshot(target);
                var random = new Random(20261123 + o);
                string path = TemporaryPath();
                try
                {
                    for (int k = 0; k < PerOptimizer; k++)
                    {
                        (byte[] damaged, string what) = Corrupt(checkpoint, random);
                        kinds[what.Split(' ')[0]] = kinds.GetValueOrDefault(what.Split(' ')[0]) + 1;
                        File.WriteAllBytes(path, damaged);
                        Exception? error = Record.Exception(() => Call(target, "load_state_dict", path));
                        string context = name + ", corruption " + k + " (" + what + ")";
                        Assert.True(error is InvalidDataException, context + ": " + (error is null ? "loaded without an error" : error.GetType().Name + ": " + error.Message));
                        Assert.True(IsReadable(error!.Message), context + ": unreadable message: " + error.Message);
                        Assert.StartsWith("Loading " + name + " from ", error.Message, StringComparison.Ordinal);
                        Assert.True(before.AsSpan().SequenceEqual(Snapshot(target)), context + ": the optimizer changed (" + error.Message + ")");
                    }
                }
                finally
                {
                    File.Delete(path);
                }
            }

            _output.WriteLine(Optimizers.Length * PerOptimizer + " corruptions (" + string.Join(", ", kinds.Select(kv => kv.Value + " " + kv.Key)) + ") in " + watch.Elapsed.TotalSeconds.ToString("F1", System.Globalization.CultureInfo.InvariantCulture) + " s");
            Assert.True(kinds.Count == 4 && kinds.Values.All(n => n > 100), "every kind of corruption occurs often: " + string.Join(", ", kinds));
        }

        /// <summary>
        /// TorchSharp's load_state_dict(BinaryReader) through an OptimizerHelper reference: TorchSharp reads its own header
        /// (its exceptions and messages), so the guarantee here is atomicity: a corruption either fails and changes nothing,
        /// or (bytes appended after the checkpoint, which a stream's reader does not see) loads the intact checkpoint.
        /// </summary>
        [Fact]
        public void EveryCorruptionThroughTorchSharpsLoadFailsWithoutChangesOrLoadsTheIntactCheckpoint()
        {
            const int PerOptimizer = 60;
            for (int o = 0; o < Optimizers.Length; o++)
            {
                string name = Optimizers[o];
                using var scope = NewDisposeScope();
                Type type = CatalogOptimizers.Named(name);
                byte[] checkpoint;
                byte[] intact;
                using (OptimizerHelper source = Trained(type, 11).Optimizer)
                {
                    checkpoint = Save(source);
                    intact = Snapshot(source);
                }

                var random = new Random(7 + o);
                using OptimizerHelper target = Trained(type, 22).Optimizer;
                byte[] before = Snapshot(target);
                for (int k = 0; k < PerOptimizer; k++)
                {
                    (byte[] damaged, string what) = Corrupt(checkpoint, random);
                    Exception? error = Record.Exception(() => LoadThroughTorchSharp(target, damaged));
                    string context = name + ", corruption " + k + " (" + what + ")";
                    if (error is null)
                    {
                        Assert.True(damaged.AsSpan(0, checkpoint.Length).SequenceEqual(checkpoint), context + ": a damaged checkpoint loaded");
                        Assert.True(intact.AsSpan().SequenceEqual(Snapshot(target)), context + ": loaded, but not the intact state");
                        before = Snapshot(target); // the target now holds the checkpoint's state

                    }
                    else
                    {
                        Assert.True(before.AsSpan().SequenceEqual(Snapshot(target)), context + ": the optimizer changed (" + error.GetType().Name + ": " + error.Message + ")");
                    }
                }
            }
        }

        /// <summary>One random corruption: a truncation, a bit flip, 1–8 inserted random bytes, or 1–8 deleted bytes.</summary>
        internal static (byte[] Bytes, string What) Corrupt(byte[] checkpoint, Random random)
        {
            int n = checkpoint.Length;
            switch (random.Next(4))
            {
                case 0:
                {
                    int length = random.Next(n);
                    return (checkpoint[..length], "truncation to " + length + " of " + n + " bytes");
                }

                case 1:
                {
                    byte[] bytes = (byte[])checkpoint.Clone();
                    int at = random.Next(n);
                    int bit = random.Next(8);
                    bytes[at] ^= (byte)(1 << bit);
                    return (bytes, "flip of bit " + bit + " at " + at);
                }

                case 2:
                {
                    int at = random.Next(n + 1);
                    var inserted = new byte[random.Next(1, 9)];
                    random.NextBytes(inserted);
                    return ([.. checkpoint[..at], .. inserted, .. checkpoint[at..]], "insertion of " + inserted.Length + " bytes at " + at);
                }

                default:
                {
                    int count = random.Next(1, 9);
                    int at = random.Next(n - count + 1);
                    return ([.. checkpoint[..at], .. checkpoint[(at + count)..]], "deletion of " + count + " bytes at " + at);
                }
            }
        }
    }
}
