using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Hashing;
using System.Linq;
using System.Text;
using OptimDsl.Tests.Fused;
using TorchSharp.Modules;
using Xunit;
using static OptimDsl.Tests.Checkpoints.CheckpointHarness;
using static TorchSharp.torch;

namespace OptimDsl.Tests.Checkpoints
{
    /// <summary>
    /// The checks behind the checksum: payloads that are intact (their checksum recomputed after the change, as a buggy or
    /// forged writer would) but wrong are still rejected field by field, with readable messages, and nothing changes; the
    /// same holds for older, unframed checkpoints, which have no checksum at all.
    /// </summary>
    [Collection(CheckpointCollection.Name)]
    public sealed class CheckpointReaderTests
    {
        private const int FrameHeader = 28;

        /// <summary>Offset of the frame in an Adam checkpoint: the type name "Adam" (1 + 4 bytes) and two one-byte counts.</summary>
        private const int AdamFrame = 7;

        [Fact]
        public void FlagOtherThanZeroOrOneIsRejected()
        {
            Rejects("Adam", payload => payload[OptionsField(payload, 8 * 6)] = 2, "the flag 'amsgrad' is the byte 02, expected 00 or 01");
        }

        [Fact]
        public void OptionOutsideItsRangeIsRejected()
        {
            Rejects("Adam", payload => BinaryPrimitives.WriteDoubleLittleEndian(payload.AsSpan(OptionsField(payload, 8)), -1.0),
                "group 0, options: the checkpoint's options are invalid: Invalid lr: -1");
        }

        [Fact]
        public void NegativeStepCounterIsRejected()
        {
            Rejects("Adam", payload =>
            {
                int state = FirstStateRecord(payload);
                BinaryPrimitives.WriteInt64LittleEndian(payload.AsSpan(state), -3);
            }, "group 0, parameter 0 (the optimizer's parameter 0, shape [3, 4], float32): the step counter is -3");
        }

        [Fact]
        public void UnknownDtypeOfAStateTensorIsRejectedBeforeAnythingIsAllocated()
        {
            Rejects("Adam", payload => payload[FirstStateRecord(payload) + 8] = 0x63, "the state tensor 'exp_avg' starts with bytes 63, which are no TorchSharp dtype; expected float32 [3, 4]");
        }

        [Fact]
        public void ChangedDimensionOfAStateTensorIsRejectedBeforeAnythingIsAllocated()
        {
            // exp_avg of [3, 4]: after the step counter, one byte each for the dtype, the rank 2, the 3 and the 4.
            Rejects("Adam", payload => payload[FirstStateRecord(payload) + 10] = 0x7F, "the state tensor 'exp_avg' has the shape [127, 4] in the checkpoint; expected [3, 4]");
        }

        [Fact]
        public void CriticalBufferWithTwoEntriesInOneSlotIsRejected()
        {
            using var scope = NewDisposeScope();
            Type type = CatalogOptimizers.Named("SGD_C");
            using OptimizerHelper source = Trained(type, 11).Optimizer;
            byte[] checkpoint = Save(source);

            // The heap's entries are (priority double, slot int32, insertion step int64); make the second entry's slot the first's.
            byte[] heapMagic = BitConverter.GetBytes(0x48454132);
            Rejects(type, checkpoint, payload =>
            {
                int at = payload.AsSpan().IndexOf(heapMagic) + 4 + 4 + 4; // magic, two dtypes
                int count = BinaryPrimitives.ReadInt32LittleEndian(payload.AsSpan(at));
                Assert.True(count >= 2, "the buffer should hold two entries");
                int firstSlot = BinaryPrimitives.ReadInt32LittleEndian(payload.AsSpan(at + 4 + 8));
                BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(at + 4 + 20 + 8), firstSlot);
            }, "holds two entries");
        }

        [Fact]
        public void UnreadableTypeNameIsShownAsHex()
        {
            using var scope = NewDisposeScope();
            using OptimizerHelper optimizer = Trained(CatalogOptimizers.Named("Adam"), 1).Optimizer;
            byte[] checkpoint = Save(optimizer);
            checkpoint[1] = 0x07; // "Adam" → "\aAdam"[..4]: a control character in the type name
            checkpoint[2] = 0xC3; // and an invalid UTF-8 sequence
            var e = Assert.Throws<InvalidDataException>(() => Load(optimizer, checkpoint));
            Assert.True(IsReadable(e.Message), e.Message);
            Assert.Contains("not an optimizer checkpoint: expected TorchSharp's header, starting with the type name 'Adam', found bytes 04 07 C3", e.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void AnotherReadableTypeNameIsQuoted()
        {
            using var scope = NewDisposeScope();
            using OptimizerHelper optimizer = Trained(CatalogOptimizers.Named("Adam"), 1).Optimizer;
            byte[] checkpoint = Save(optimizer);
            checkpoint[3] = (byte)'_'; // "Ad_m": readable, another type
            var e = Assert.Throws<InvalidDataException>(() => Load(optimizer, checkpoint));
            Assert.Contains("written by an optimizer of type 'Ad_m', not 'Adam' (OptimDsl.Optimizers.Adam)", e.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void NewerFrameVersionIsNamed()
        {
            using var scope = NewDisposeScope();
            using OptimizerHelper optimizer = Trained(CatalogOptimizers.Named("Adam"), 1).Optimizer;
            byte[] checkpoint = Save(optimizer);
            BinaryPrimitives.WriteInt32LittleEndian(checkpoint.AsSpan(AdamFrame + 8), 2);
            var e = Assert.Throws<InvalidDataException>(() => Load(optimizer, checkpoint));
            Assert.Contains("the checkpoint frame has version 2; this OptimDsl reads version 1 (the checkpoint was written by a newer OptimDsl)", e.Message, StringComparison.Ordinal);
        }

        // ---- helpers ----

        /// <summary>Offset of a field of the first options record: after its layout tag, <paramref name="offset"/> bytes in.</summary>
        private static int OptionsField(byte[] payload, int offset)
        {
            int tag = 1 + payload[0];
            return PayloadHeaderLength(payload) + tag + offset;
        }

        /// <summary>Offset of the first state record's step counter (after the options record and the state's layout tag).</summary>
        private static int FirstStateRecord(byte[] payload)
        {
            int tag = 1 + payload[0];
            int options = tag + 8 * 2 + 8 * 4 + 2; // Adam: tag, lrs, beta1, beta2, eps, weight_decay, amsgrad, maximize
            return PayloadHeaderLength(payload) + options + tag;
        }

        /// <summary>Adam over three parameters: tag, two counts, one group size, and (rank, dims, dtype) per parameter.</summary>
        private static int PayloadHeaderLength(byte[] payload) => 1 + payload[0] + 4 + 4 + 4 + (4 + 16 + 4) + (4 + 8 + 4) + (4 + 24 + 4);

        /// <summary>
        /// Applies <paramref name="change"/> to an Adam checkpoint's payload (offsets as in the framed payload): as a framed
        /// checkpoint with its checksum recomputed, and as an unframed one (no checksum); both must fail and change nothing.
        /// </summary>
        private static void Rejects(string name, Action<byte[]> change, string expected)
        {
            using var scope = NewDisposeScope();
            Type type = CatalogOptimizers.Named(name);
            using OptimizerHelper source = Trained(type, 11).Optimizer;
            byte[] checkpoint = Save(source);
            Rejects(type, checkpoint, change, expected);

            // Unframed: TorchSharp's header, then the records alone (the framed payload without its header).
            byte[] payload = FramedPayload(checkpoint, AdamFrame);
            change(payload);
            byte[] unframed = [.. checkpoint[..AdamFrame], .. payload[PayloadHeaderLength(payload)..]];
            using OptimizerHelper target = Trained(type, 22).Optimizer;
            byte[] before = Snapshot(target);
            var e = Assert.Throws<InvalidDataException>(() => Load(target, unframed));
            Assert.True(IsReadable(e.Message), e.Message);
            Assert.Contains(expected, e.Message, StringComparison.Ordinal);
            Assert.Equal(before, Snapshot(target));
        }

        /// <summary>Changes the payload of a framed checkpoint, recomputes its checksum, loads it: it must fail with <paramref name="expected"/> and change nothing.</summary>
        private static void Rejects(Type type, byte[] checkpoint, Action<byte[]> change, string expected)
        {
            int frame = checkpoint.AsSpan().IndexOf(new byte[] { 0x89, 0x4F, 0x44, 0x53, 0x4C, 0x43, 0x4B, 0x50 });
            byte[] payload = FramedPayload(checkpoint, frame);
            change(payload);
            byte[] forged = [.. checkpoint[..(frame + FrameHeader)], .. payload];
            BinaryPrimitives.WriteUInt64LittleEndian(forged.AsSpan(frame + 20), XxHash64.HashToUInt64(payload));
            using OptimizerHelper target = Trained(type, 22).Optimizer;
            byte[] before = Snapshot(target);
            foreach (Action<OptimizerHelper> load in new Action<OptimizerHelper>[] { o => Load(o, forged), o => LoadThroughTorchSharp(o, forged), o => LoadFile(o, forged) })
            {
                var e = Assert.Throws<InvalidDataException>(() => load(target));
                Assert.True(IsReadable(e.Message), e.Message);
                Assert.Contains(expected, e.Message, StringComparison.Ordinal);
                Assert.Equal(before, Snapshot(target));
            }
        }

        private static byte[] FramedPayload(byte[] checkpoint, int frame) => checkpoint[(frame + FrameHeader)..];
    }
}
