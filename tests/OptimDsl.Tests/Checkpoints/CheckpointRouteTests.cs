using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.IO.Hashing;
using System.Linq;
using System.Text;
using OptimDsl.Runtime;
using OptimDsl.Tests.Fused;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static OptimDsl.Tests.Checkpoints.CheckpointHarness;
using static TorchSharp.torch;

namespace OptimDsl.Tests.Checkpoints
{
    /// <summary>How a checkpoint travels from one optimizer to another.</summary>
    public enum Route
    {
        /// <summary>The generated <c>save_state_dict(string)</c> / <c>load_state_dict(string)</c>.</summary>
        File,

        /// <summary>The generated <c>save_state_dict(BinaryWriter)</c> / <c>load_state_dict(BinaryReader)</c>.</summary>
        Stream,

        /// <summary>TorchSharp's methods by path, through an <c>OptimizerHelper</c> reference.</summary>
        FileThroughTorchSharp,

        /// <summary>TorchSharp's methods by stream, through an <c>OptimizerHelper</c> reference.</summary>
        StreamThroughTorchSharp,

        /// <summary><c>state_dict()</c> → <c>load_state_dict(StateDictionary)</c>.</summary>
        StateDictionary,

        /// <summary>A checkpoint without the frame (as written before it existed), loaded by the generated method.</summary>
        Unframed,

        /// <summary>A checkpoint without the frame, loaded by TorchSharp's method.</summary>
        UnframedThroughTorchSharp,
    }

    /// <summary>
    /// Round trips by every route for every catalog optimizer (the state comes back bit for bit and training continues
    /// bit-identically), the frame's layout, older unframed checkpoints, and the routes' edges: what follows a checkpoint in a
    /// stream, atomic file saves, options shared between optimizers, optimizers without parameters, several groups.
    /// </summary>
    [Collection(CheckpointCollection.Name)]
    public sealed class CheckpointRouteTests
    {
        public static IEnumerable<object[]> Cases() =>
            from type in CatalogOptimizers.All
            from route in Enum.GetValues<Route>()
            select new object[] { type.Name, route };

        [Theory]
        [MemberData(nameof(Cases))]
        public void RoundTripRestoresEveryBitAndTrainingContinuesIdentically(string name, Route route)
        {
            using var scope = NewDisposeScope();
            Type type = CatalogOptimizers.Named(name);
            (OptimizerHelper source, Parameter[] a) = Trained(type, 11);
            using (source)
            {
                // The target has its own, different history; its parameters are then reset to the source's values.
                Parameter[] b = Parameters(5);
                using OptimizerHelper target = Create(type, b);
                Train(target, b, 5, 3);
                using (no_grad())
                {
                    for (int i = 0; i < a.Length; i++)
                    {
                        b[i].copy_(a[i]);
                    }
                }

                Assert.False(Snapshot(source).AsSpan().SequenceEqual(Snapshot(target)), name + ": the target's state should differ before the load");
                Transfer(source, target, route);
                Assert.True(Snapshot(source).AsSpan().SequenceEqual(Snapshot(target)), name + " via " + route + ": the state differs after the load");

                Train(source, a, 33, 5);
                Train(target, b, 33, 5);
                for (int i = 0; i < a.Length; i++)
                {
                    Assert.True(a[i].eq(b[i]).all().item<bool>(), name + " via " + route + ": parameter " + i + " differs after resuming");
                }
            }
        }

        private static void Transfer(OptimizerHelper source, OptimizerHelper target, Route route)
        {
            switch (route)
            {
                case Route.File:
                {
                    string path = TemporaryPath();
                    try
                    {
                        Call(source, "save_state_dict", path);
                        Call(target, "load_state_dict", path);
                    }
                    finally
                    {
                        File.Delete(path);
                    }

                    break;
                }

                case Route.Stream:
                    Assert.Equal(0, Load(target, Save(source)));
                    break;
                case Route.FileThroughTorchSharp:
                {
                    string path = TemporaryPath();
                    try
                    {
                        source.save_state_dict(path);
                        target.load_state_dict(path);
                    }
                    finally
                    {
                        File.Delete(path);
                    }

                    break;
                }

                case Route.StreamThroughTorchSharp:
                    LoadThroughTorchSharp(target, SaveThroughTorchSharp(source));
                    break;
                case Route.StateDictionary:
                    target.load_state_dict(source.state_dict());
                    break;
                case Route.Unframed:
                    Assert.Equal(0, Load(target, Unframed(source)));
                    break;
                case Route.UnframedThroughTorchSharp:
                    LoadThroughTorchSharp(target, Unframed(source));
                    break;
            }
        }

        /// <summary>A checkpoint as OptimDsl wrote it before the frame existed: TorchSharp's header, then the records one after another.</summary>
        internal static byte[] Unframed(OptimizerHelper optimizer)
        {
            var dictionary = optimizer.state_dict();
            using var stream = new MemoryStream();
            using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
            {
                writer.Write(optimizer.GetType().Name);
                writer.Write((byte)dictionary.Options.Count);
                writer.Write((byte)dictionary.State.Count);
                foreach (ICheckpointRecord record in dictionary.Options.Cast<ICheckpointRecord>().Concat(dictionary.State.Cast<ICheckpointRecord>()))
                {
                    record.WriteRecord(writer);
                }
            }

            return stream.ToArray();
        }

        [Fact]
        public void CheckpointIsTorchSharpsHeaderThenTheFrameWithLengthAndChecksum()
        {
            using var scope = NewDisposeScope();
            (OptimizerHelper optimizer, _) = Trained(CatalogOptimizers.Named("Adam_CM"), 3);
            using (optimizer)
            {
                byte[] bytes = Save(optimizer);

                // TorchSharp's header: the type name, then LEB128 counts (1 group, 3 parameters).
                using var reader = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
                Assert.Equal("Adam_CM", reader.ReadString());
                Assert.Equal(1, reader.ReadByte());
                Assert.Equal(3, reader.ReadByte());
                int frame = (int)reader.BaseStream.Position;

                // The frame: magic, version 1, payload length, XxHash64 of the payload.
                Assert.Equal(new byte[] { 0x89, 0x4F, 0x44, 0x53, 0x4C, 0x43, 0x4B, 0x50 }, bytes[frame..(frame + 8)]);
                Assert.Equal(1, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(frame + 8)));
                long length = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(frame + 12));
                Assert.Equal(bytes.Length - frame - 28, length);
                Assert.Equal(XxHash64.HashToUInt64(bytes.AsSpan(frame + 28)), BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(frame + 20)));

                // The payload starts with the layout tag.
                using var payload = new BinaryReader(new MemoryStream(bytes, frame + 28, (int)length), Encoding.UTF8);
                Assert.Equal(optimizer.GetType().GetField("StateFormat")!.GetValue(null), payload.ReadString());
            }
        }

        /// <summary>TorchSharp's methods (through the records' hooks), the generated methods, and a stream that cannot seek (two passes) write the same bytes.</summary>
        [Theory]
        [MemberData(nameof(CatalogOptimizers.Names), MemberType = typeof(CatalogOptimizers))]
        public void EveryWayOfSavingWritesTheSameBytes(string name)
        {
            using var scope = NewDisposeScope();
            (OptimizerHelper optimizer, _) = Trained(CatalogOptimizers.Named(name), 3);
            using (optimizer)
            {
                byte[] generated = Save(optimizer);
                Assert.Equal(generated, SaveThroughTorchSharp(optimizer));

                var unseekable = new UnseekableStream();
                using (var writer = new BinaryWriter(unseekable, Encoding.UTF8, leaveOpen: true))
                {
                    Call(optimizer, "save_state_dict", writer);
                }

                Assert.Equal(generated, unseekable.ToArray());

                string path = TemporaryPath();
                try
                {
                    Call(optimizer, "save_state_dict", path);
                    Assert.Equal(generated, File.ReadAllBytes(path));
                    optimizer.save_state_dict(path);
                    Assert.Equal(generated, File.ReadAllBytes(path));
                }
                finally
                {
                    File.Delete(path);
                }
            }
        }

        [Fact]
        public void StreamLoadLeavesWhatFollowsTheCheckpointToTheCaller()
        {
            using var scope = NewDisposeScope();
            Type type = CatalogOptimizers.Named("CriticalAdam");
            using OptimizerHelper source = Trained(type, 1).Optimizer;
            using OptimizerHelper target = Trained(type, 2).Optimizer;
            byte[] checkpoint = Save(source);
            Assert.Equal(3, Load(target, [.. checkpoint, 1, 2, 3]));
            Assert.Equal(Snapshot(source), Snapshot(target));
        }

        [Fact]
        public void FailedFileSaveLeavesThePreviousFileAndNoTemporaryFile()
        {
            using var scope = NewDisposeScope();
            Type type = CatalogOptimizers.Named("Adam");
            OptimizerHelper optimizer = Trained(type, 1).Optimizer;
            string folder = Directory.CreateTempSubdirectory("optimdsl-save-").FullName;
            try
            {
                string path = Path.Combine(folder, "optimizer.bin");
                Call(optimizer, "save_state_dict", path);
                byte[] previous = File.ReadAllBytes(path);
                optimizer.Dispose(); // its state tensors are gone: saving fails half-way through the payload
                Assert.ThrowsAny<Exception>(() => Call(optimizer, "save_state_dict", path));
                Assert.Equal(previous, File.ReadAllBytes(path));
                Assert.Equal(new[] { path }, Directory.GetFiles(folder));
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        [Fact]
        public void OptionsOfAGroupCannotBelongToTwoOptimizers()
        {
            using var scope = NewDisposeScope();
            var group = new OptimDsl.Optimizers.Adam.ParamGroup(Parameters(1), lr: 0.1);
            using var first = new OptimDsl.Optimizers.Adam(new[] { group });
            var e = Assert.Throws<ArgumentException>(() => new OptimDsl.Optimizers.Adam(new[] { new OptimDsl.Optimizers.Adam.ParamGroup(Parameters(2), group.Options) }));
            Assert.Contains("another Adam optimizer", e.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void SeveralGroupsAndAnEmptyGroupRoundTrip()
        {
            using var scope = NewDisposeScope();
            Parameter[] a = Parameters(1);
            Parameter[] b = Parameters(2);
            using var source = new OptimDsl.Optimizers.CriticalAdam(new[]
            {
                new OptimDsl.Optimizers.CriticalAdam.ParamGroup(a[..2], lr: 0.1, topC: 2),
                new OptimDsl.Optimizers.CriticalAdam.ParamGroup(Array.Empty<Parameter>(), lr: 0.2),
                new OptimDsl.Optimizers.CriticalAdam.ParamGroup(a[2..], lr: 0.3, amsgrad: true),
            }, topC: 2);
            Train(source, a, 4, 5);
            using var target = new OptimDsl.Optimizers.CriticalAdam(new[]
            {
                new OptimDsl.Optimizers.CriticalAdam.ParamGroup(b[..2]),
                new OptimDsl.Optimizers.CriticalAdam.ParamGroup(Array.Empty<Parameter>()),
                new OptimDsl.Optimizers.CriticalAdam.ParamGroup(b[2..]),
            }, topC: 2);
            foreach (Route route in Enum.GetValues<Route>())
            {
                Transfer(source, target, route);
                Assert.True(Snapshot(source).AsSpan().SequenceEqual(Snapshot(target)), "several groups via " + route);
            }

            Assert.Equal(new[] { 0.1, 0.2, 0.3 }, target.ParamGroups.Select(g => g.LearningRate));

            // One group of three parameters is not three groups.
            using var regrouped = new OptimDsl.Optimizers.CriticalAdam(Parameters(3), topC: 2);
            var e = Assert.Throws<InvalidDataException>(() => Load(regrouped, Save(source)));
            Assert.Contains("3 parameter groups and 3 parameters; this optimizer has 1 parameter group and 3 parameters", e.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void OptimizerWithoutParametersRoundTrips()
        {
            using var source = new OptimDsl.Optimizers.SGD(Array.Empty<Parameter>(), lr: 0.5);
            using var target = new OptimDsl.Optimizers.SGD(Array.Empty<Parameter>(), lr: 0.1);
            foreach (Route route in Enum.GetValues<Route>())
            {
                target.ParamGroups.Single().LearningRate = 0.1;
                Transfer(source, target, route);
                Assert.Equal(0.5, target.ParamGroups.Single().LearningRate);
            }
        }

        [Fact]
        public void LoadingAnOptimizersOwnStateDictionaryChangesNothing()
        {
            using var scope = NewDisposeScope();
            using OptimizerHelper optimizer = Trained(CatalogOptimizers.Named("SM3CriticalMomenta"), 1).Optimizer;
            byte[] before = Snapshot(optimizer);
            optimizer.load_state_dict(optimizer.state_dict());
            Assert.Equal(before, Snapshot(optimizer));
        }

        /// <summary>A state's own LoadStateDict(OptimizerState), outside an optimizer's load, is checked and all-or-nothing too.</summary>
        [Fact]
        public void CopyingOneStateFromAParameterOfAnotherShapeFailsAndChangesNothing()
        {
            using var scope = NewDisposeScope();
            Type type = CatalogOptimizers.Named("CriticalMomentaAdam");
            using OptimizerHelper optimizer = Trained(type, 1).Optimizer;
            using OptimizerHelper other = Trained(type, 2, shapes: OtherShapes).Optimizer;
            byte[] before = Snapshot(optimizer);
            var e = Assert.Throws<ArgumentException>(() => optimizer.state_dict().State[0].LoadStateDict(other.state_dict().State[0]));
            Assert.Contains("[3, 5]", e.Message, StringComparison.Ordinal);
            Assert.Equal(before, Snapshot(optimizer));

            optimizer.state_dict().State[1].LoadStateDict(other.state_dict().State[1]);
            Assert.True(optimizer.state_dict().State[1].ApproximatelyEquals(other.state_dict().State[1]));
        }

        /// <summary>A write-only stream that cannot seek (e.g. a network stream).</summary>
        private sealed class UnseekableStream : Stream
        {
            private readonly MemoryStream _inner = new();

            public override bool CanRead => false;

            public override bool CanSeek => false;

            public override bool CanWrite => true;

            public override long Length => throw new NotSupportedException();

            public override long Position
            {
                get => throw new NotSupportedException();
                set => throw new NotSupportedException();
            }

            public byte[] ToArray() => _inner.ToArray();

            public override void Flush()
            {
            }

            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();

            public override void Write(byte[] buffer, int offset, int count) => _inner.Write(buffer, offset, count);
        }
    }
}
