extern alias CheckpointsExample;

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using CheckpointsExample::OptimDsl.Examples.Checkpoints;
using CheckpointsExample::OptimDsl.Examples.Quickstart;
using Xunit;

namespace OptimDsl.Examples.Tests.Checkpoints
{
    /// <summary>
    /// examples/Checkpoints on a small run (4 epochs of a tiny MLP on 180 spiral points): a run resumed from a checkpoint
    /// saved after epoch 2 continues bit for bit like the run that saved it and went on; the file's anatomy adds up; a
    /// damaged file, a file with extra bytes and a run with other settings are refused.
    /// </summary>
    public sealed class ResumeTests : IDisposable
    {
        private const int SaveAfter = 2;
        private static readonly RunSettings Settings = new(Epochs: 4, BatchSize: 16, LearningRate: 1e-2, Hidden: new[] { 8 }, TopC: 3, Seed: 5);

        private readonly Dataset _data = Spirals.Create(pointsPerClass: 60);
        private readonly string _folder = Path.Combine(Path.GetTempPath(), "optimdsl-checkpoints-" + Guid.NewGuid().ToString("N"));

        private string CheckpointPath => Path.Combine(_folder, "training.ckpt");

        public void Dispose()
        {
            _data.Dispose();
            if (Directory.Exists(_folder))
            {
                Directory.Delete(_folder, recursive: true);
            }
        }

        // The uninterrupted run, saving after epoch SaveAfter; the caller disposes it.
        private ResumableRun TrainAndSave(out List<EpochResult> results)
        {
            var run = ResumableRun.Start(_data, Settings);
            results = run.TrainThrough(Settings.Epochs, r =>
            {
                if (r.Epoch == SaveAfter)
                {
                    TrainingCheckpoint.Save(CheckpointPath, run);
                }
            });
            return run;
        }

        [Fact]
        public void ResumedRun_ContinuesBitForBit()
        {
            using ResumableRun uninterrupted = TrainAndSave(out List<EpochResult> expected);
            using ResumableRun resumed = ResumableRun.Resume(CheckpointPath, _data, Settings);

            Assert.Equal(SaveAfter, resumed.CompletedEpochs);
            List<EpochResult> continued = resumed.TrainThrough(Settings.Epochs);

            Assert.Equal(new[] { 3, 4 }, continued.Select(r => r.Epoch));
            foreach (EpochResult r in continued)
            {
                EpochResult e = expected[r.Epoch - 1];
                Assert.Equal(BitConverter.DoubleToInt64Bits(e.LearningRate), BitConverter.DoubleToInt64Bits(r.LearningRate));
                Assert.Equal(BitConverter.DoubleToInt64Bits(e.Loss), BitConverter.DoubleToInt64Bits(r.Loss));
            }

            Continuation check = Continuation.Compare(uninterrupted, resumed);
            Assert.Equal(0.0, check.MaxWeightDifference);
            Assert.Equal(0, check.DifferentWeights);
            Assert.True(check.OptimizerStatesIdentical, "the optimizers' checkpoints differ after the same epochs");
        }

        [Fact]
        public void ContinuationCheck_SeesARunThatDiverged()
        {
            // The check itself can fail: a run from another seed is not the same run.
            using ResumableRun uninterrupted = TrainAndSave(out _);
            using ResumableRun other = ResumableRun.Start(_data, Settings with { Seed = 6 });
            other.TrainThrough(Settings.Epochs);

            Continuation check = Continuation.Compare(uninterrupted, other);

            Assert.True(check.MaxWeightDifference > 0);
            Assert.True(check.DifferentWeights > 0);
            Assert.False(check.OptimizerStatesIdentical);
        }

        [Fact]
        public void Anatomy_AddsUp()
        {
            using ResumableRun uninterrupted = TrainAndSave(out _);
            using ResumableRun resumed = ResumableRun.Resume(CheckpointPath, _data, Settings);

            CheckpointAnatomy anatomy = CheckpointAnatomy.Read(CheckpointPath);

            Assert.Equal(new FileInfo(CheckpointPath).Length, anatomy.FileLength);
            long next = 0;
            foreach (FileRegion region in anatomy.Regions)
            {
                Assert.Equal(next, region.Offset);
                next += region.Length;
            }

            Assert.Equal(anatomy.FileLength, next);
            Assert.Equal(anatomy.RecordedChecksum, anatomy.ComputedChecksum);
            Assert.StartsWith("OptimDsl/CriticalMomentaAdam/v1/", anatomy.LayoutTag);
            Assert.Contains(anatomy.Regions, r => r.Content.Contains("(intact)", StringComparison.Ordinal));

            // The freshly loaded optimizer writes exactly the file's records.
            long records = OptimizerStateReport.OptionsRecordBytes(resumed).Sum() + OptimizerStateReport.Of(resumed).Sum(s => s.RecordBytes);
            Assert.Equal(anatomy.RecordsLength, records);
        }

        [Fact]
        public void BufferReport_ReadsFullBuffersThroughTheOptimizersState()
        {
            using ResumableRun run = ResumableRun.Start(_data, Settings);
            run.TrainThrough(1);

            IReadOnlyList<ParameterState> states = OptimizerStateReport.Of(run);

            Assert.Equal(run.Model.named_parameters().Select(p => p.name), states.Select(s => s.Name));
            long steps = states[0].Step;
            Assert.True(steps > Settings.TopC);
            Assert.All(states, s =>
            {
                Assert.Equal(steps, s.Step);
                Assert.Equal(Settings.TopC, s.Buffer!.Count);
                Assert.Equal(steps, s.Buffer.StepsSeen);
                Assert.True(s.BookkeepingBytes > 0);
            });
        }

        [Fact]
        public void DamagedCheckpoint_IsRefused()
        {
            using (TrainAndSave(out _))
            {
            }

            CheckpointAnatomy intact = CheckpointAnatomy.Read(CheckpointPath);
            byte[] bytes = File.ReadAllBytes(CheckpointPath);
            bytes[bytes.Length - 10] ^= 0x01; // inside the optimizer's payload
            File.WriteAllBytes(CheckpointPath, bytes);

            CheckpointAnatomy damaged = CheckpointAnatomy.Read(CheckpointPath);
            Assert.Equal(intact.RecordedChecksum, damaged.RecordedChecksum);
            Assert.NotEqual(damaged.RecordedChecksum, damaged.ComputedChecksum);
            var e = Assert.Throws<InvalidDataException>(() => ResumableRun.Resume(CheckpointPath, _data, Settings));
            Assert.Contains("checksum", e.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void ExtraBytesAfterTheCheckpoint_AreRefused()
        {
            using (TrainAndSave(out _))
            {
            }

            File.AppendAllText(CheckpointPath, "x");

            var e = Assert.Throws<InvalidDataException>(() => ResumableRun.Resume(CheckpointPath, _data, Settings));
            Assert.Contains("1 bytes follow the optimizer's checkpoint", e.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void RunWithOtherSettings_IsRefused()
        {
            using (TrainAndSave(out _))
            {
            }

            var e = Assert.Throws<InvalidDataException>(() => ResumableRun.Resume(CheckpointPath, _data, Settings with { Epochs = 5 }));
            Assert.Contains("was saved by a run of 4 epochs", e.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void Save_ReplacesTheFile_AndLeavesNoTemporaryFile()
        {
            using ResumableRun run = ResumableRun.Start(_data, Settings);
            TrainingCheckpoint.Save(CheckpointPath, run);
            long before = new FileInfo(CheckpointPath).Length;
            run.TrainThrough(1);
            TrainingCheckpoint.Save(CheckpointPath, run);

            Assert.Equal(new[] { "training.ckpt" }, Directory.GetFiles(_folder).Select(Path.GetFileName));
            Assert.True(new FileInfo(CheckpointPath).Length > before, "the second save did not replace the first");
            Assert.Contains("after epoch 1 of 4", CheckpointAnatomy.Read(CheckpointPath).Regions[0].Content, StringComparison.Ordinal);
        }

        [Fact]
        public void BatchOrder_DependsOnlyOnSeedAndEpoch()
        {
            Assert.Equal(ResumableRun.BatchOrder(5, 3, 100), ResumableRun.BatchOrder(5, 3, 100));
            Assert.NotEqual(ResumableRun.BatchOrder(5, 3, 100), ResumableRun.BatchOrder(5, 4, 100));
            Assert.Equal(Enumerable.Range(0, 100).Select(i => (long)i), ResumableRun.BatchOrder(5, 3, 100).OrderBy(i => i));
        }
    }
}
