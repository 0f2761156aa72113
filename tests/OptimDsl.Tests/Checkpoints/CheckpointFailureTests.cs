using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using OptimDsl.Tests.Fused;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static OptimDsl.Tests.Checkpoints.CheckpointHarness;
using static TorchSharp.torch;

namespace OptimDsl.Tests.Checkpoints
{
    /// <summary>The ways a checkpoint can fail to fit an optimizer (issue 11).</summary>
    public enum FailureKind
    {
        /// <summary>The file is cut short (inside the payload).</summary>
        Truncated,

        /// <summary>A parameter's shape changed between saving and loading.</summary>
        ParameterShape,

        /// <summary>A checkpoint with topC = 3 loaded into an optimizer created with topC = 2.</summary>
        TopC,

        /// <summary>A checkpoint with the buffer on (kappa = 1) loaded into an optimizer created with kappa = 0.</summary>
        KappaSwitchesBufferOff,

        /// <summary>A checkpoint with the buffer off (kappa = 0) loaded into an optimizer created with kappa = 1.</summary>
        KappaSwitchesBufferOn,

        /// <summary>A checkpoint of another catalog optimizer.</summary>
        WrongOptimizerType,

        /// <summary>A checkpoint of TorchSharp's built-in Adam, its type name rewritten to the target's.</summary>
        TorchSharpCheckpoint,

        /// <summary>One byte inside a state tensor's data flipped.</summary>
        FlippedByte,

        /// <summary>Four bytes inside a state tensor's data overwritten with 0xFF.</summary>
        FfRun,

        /// <summary>One byte appended to the file.</summary>
        TrailingByte,
    }

    /// <summary>
    /// Every catalog optimizer and every failure kind: the load throws <see cref="InvalidDataException"/> (from a file or a
    /// stream) or <see cref="ArgumentException"/> (from a state dictionary), with a readable message that says what is wrong
    /// and what was expected, and the optimizer is bit for bit what it was before: every option, counter, tensor, buffer
    /// entry and random-generator state (<see cref="CheckpointHarness.Snapshot"/>).
    /// </summary>
    [Collection(CheckpointCollection.Name)]
    public sealed class CheckpointFailureTests
    {
        private static readonly Dictionary<string, object?> NoOverrides = new();

        public static IEnumerable<object[]> Cases()
        {
            foreach (Type type in CatalogOptimizers.All)
            {
                foreach (FailureKind kind in Enum.GetValues<FailureKind>())
                {
                    if (Applies(type, kind))
                    {
                        yield return new object[] { type.Name, kind };
                    }
                }
            }
        }

        /// <summary>Whether a failure kind exists for an optimizer: topC needs a critical buffer, switching it needs a kappa that can be 0.</summary>
        private static bool Applies(Type type, FailureKind kind) => kind switch
        {
            FailureKind.TopC => Accepts(type, "topC"),
            FailureKind.KappaSwitchesBufferOff or FailureKind.KappaSwitchesBufferOn => Accepts(type, "kappa") && KappaCanBeZero(type),
            _ => true,
        };

        private static bool KappaCanBeZero(Type type)
        {
            try
            {
                using var scope = NewDisposeScope();
                Create(type, Parameters(1), new Dictionary<string, object?> { ["kappa"] = 0.0 }).Dispose();
                return true;
            }
            catch (ArgumentException)
            {
                return false;
            }
        }

        /// <summary>The failure kinds a state dictionary can have (the others are about bytes).</summary>
        public static IEnumerable<object[]> DictionaryCases() =>
            Cases().Where(c => (FailureKind)c[1] is FailureKind.ParameterShape or FailureKind.TopC or FailureKind.KappaSwitchesBufferOff
                or FailureKind.KappaSwitchesBufferOn or FailureKind.WrongOptimizerType);

        [Theory]
        [MemberData(nameof(Cases))]
        public void FailedLoadThrowsAReadableErrorAndChangesNothing(string name, FailureKind kind)
        {
            using var scope = NewDisposeScope();
            Type type = CatalogOptimizers.Named(name);
            (byte[] checkpoint, string[] expected) = Checkpoint(type, kind);
            Func<OptimizerHelper> target = () => Target(type, kind);

            // The generated class's own methods: from a file (which must end with the checkpoint) and from a stream.
            Expect<InvalidDataException>(target, optimizer => LoadFile(optimizer, checkpoint), expected, name, kind, "load_state_dict(string)");
            if (kind == FailureKind.TrailingByte)
            {
                return; // a stream's bytes after the checkpoint are the caller's (see CheckpointRouteTests)
            }

            Expect<InvalidDataException>(target, optimizer => Load(optimizer, checkpoint), expected, name, kind, "load_state_dict(BinaryReader)");

            // TorchSharp's methods through an OptimizerHelper reference: TorchSharp checks its own header (the type name,
            // with its own message), the records' hooks everything after it, with the same checks and messages.
            if (kind != FailureKind.WrongOptimizerType)
            {
                Expect<InvalidDataException>(target, optimizer => LoadThroughTorchSharp(optimizer, checkpoint), expected, name, kind, "OptimizerHelper.load_state_dict(BinaryReader)");
                Expect<InvalidDataException>(target, optimizer => LoadFileThroughTorchSharp(optimizer, checkpoint), expected, name, kind, "OptimizerHelper.load_state_dict(string)");
            }
        }

        /// <summary>The in-memory route: another optimizer's state_dict() that does not fit is rejected before anything changes.</summary>
        [Theory]
        [MemberData(nameof(DictionaryCases))]
        public void FailedStateDictionaryLoadThrowsArgumentExceptionAndChangesNothing(string name, FailureKind kind)
        {
            using var scope = NewDisposeScope();
            Type type = CatalogOptimizers.Named(name);
            using OptimizerHelper source = Source(type, kind);
            string[] expected = kind switch
            {
                FailureKind.ParameterShape => new[] { "state_dict", "group 0, parameter 0", "[3, 4]", "[3, 5]" },
                FailureKind.TopC => new[] { "state_dict", "group 0, parameter 0", "topC = 3", "topC = 2" },
                FailureKind.KappaSwitchesBufferOff => new[] { "state_dict", "group 0, parameter 0", "switched off", "kappa: 1" },
                FailureKind.KappaSwitchesBufferOn => new[] { "state_dict", "group 0, parameter 0", "no critical buffer", "kappa: 0" },
                _ => new[] { "state_dict", source.GetType().FullName!, type.FullName! },
            };
            Expect<ArgumentException>(() => Target(type, kind), optimizer => optimizer.load_state_dict(source.state_dict()), expected, name, kind, "load_state_dict(StateDictionary)");
        }

        private static void Expect<TException>(Func<OptimizerHelper> create, Action<OptimizerHelper> load, string[] expected, string name, FailureKind kind, string route)
            where TException : Exception
        {
            using OptimizerHelper optimizer = create();
            byte[] before = Snapshot(optimizer);
            Exception? error = Record.Exception(() => load(optimizer));
            string what = name + ", " + kind + ", " + route;
            Assert.True(error is not null, what + ": the load succeeded");
            Assert.True(error!.GetType() == typeof(TException), what + ": " + error.GetType().Name + ": " + error.Message);
            Assert.True(IsReadable(error.Message), what + ": unreadable message: " + error.Message);
            foreach (string part in expected)
            {
                Assert.True(error.Message.Contains(part, StringComparison.Ordinal), what + ": the message does not mention '" + part + "': " + error.Message);
            }

            Assert.True(before.AsSpan().SequenceEqual(Snapshot(optimizer)), what + ": the optimizer changed although the load failed (" + error.Message + ")");
        }

        /// <summary>The checkpoint to load and what the message must mention.</summary>
        private static (byte[] Checkpoint, string[] Expected) Checkpoint(Type type, FailureKind kind)
        {
            if (kind == FailureKind.TorchSharpCheckpoint)
            {
                Parameter[] parameters = Parameters(11);
                using var adam = optim.Adam(parameters, lr: 0.01, amsgrad: true);
                Train(adam, parameters, 11, 3);
                using var stream = new MemoryStream();
                using (var writer = new BinaryWriter(stream))
                {
                    adam.save_state_dict(writer);
                }

                return (Retitle(stream.ToArray(), type.Name), new[] { type.Name, "not an OptimDsl checkpoint", "TorchSharp" });
            }

            using OptimizerHelper source = Source(type, kind);
            byte[] saved = Save(source);
            switch (kind)
            {
                case FailureKind.Truncated:
                    return (saved[..(saved.Length * 2 / 3)], new[] { type.Name, "truncated" });
                case FailureKind.ParameterShape:
                    return (saved, new[] { type.Name, "group 0, parameter 0", "[3, 4]", "[3, 5]" });
                case FailureKind.TopC:
                    return (saved, new[] { type.Name, "group 0, parameter 0", "topC = 3", "topC = 2", "topC: 3" });
                case FailureKind.KappaSwitchesBufferOff:
                    return (saved, new[] { type.Name, "group 0, parameter 0", "switched off", "kappa: 1" });
                case FailureKind.KappaSwitchesBufferOn:
                    return (saved, new[] { type.Name, "group 0, parameter 0", "no critical buffer", "kappa: 0" });
                case FailureKind.WrongOptimizerType:
                    return (saved, new[] { "'" + source.GetType().Name + "'", "'" + type.Name + "'" });
                case FailureKind.FlippedByte:
                {
                    (int offset, int length) = TensorData(source, saved);
                    saved[offset + length / 2] ^= 0x10;
                    return (saved, new[] { type.Name, "corrupt", "checksum" });
                }

                case FailureKind.FfRun:
                {
                    (int offset, int length) = TensorData(source, saved);
                    saved.AsSpan(offset + length / 2 - 2, 4).Fill(0xFF);
                    return (saved, new[] { type.Name, "corrupt", "checksum" });
                }

                case FailureKind.TrailingByte:
                    return ([.. saved, (byte)0x2A], new[] { type.Name, "1 byte after the end of the checkpoint" });
                default:
                    throw new ArgumentOutOfRangeException(nameof(kind));
            }
        }

        /// <summary>The trained optimizer whose checkpoint is loaded: of the type itself (kappa = 0 for switching the buffer on), or the next catalog type.</summary>
        private static OptimizerHelper Source(Type type, FailureKind kind)
        {
            if (kind == FailureKind.WrongOptimizerType)
            {
                int index = CatalogOptimizers.All.ToList().IndexOf(type);
                return Trained(CatalogOptimizers.All[(index + 1) % CatalogOptimizers.All.Count], 11).Optimizer;
            }

            var overrides = kind == FailureKind.KappaSwitchesBufferOn ? new Dictionary<string, object?> { ["kappa"] = 0.0 } : NoOverrides;
            return Trained(type, 11, overrides: overrides).Optimizer;
        }

        /// <summary>The trained optimizer the checkpoint is loaded into (its state differs from the checkpoint's).</summary>
        private static OptimizerHelper Target(Type type, FailureKind kind)
        {
            Dictionary<string, object?> overrides = kind switch
            {
                FailureKind.TopC => new() { ["topC"] = 2 },
                FailureKind.KappaSwitchesBufferOff => new() { ["kappa"] = 0.0 },
                _ => NoOverrides,
            };
            return Trained(type, 22, overrides: overrides, shapes: kind == FailureKind.ParameterShape ? OtherShapes : null).Optimizer;
        }

        private static void Train(optim.Optimizer optimizer, Parameter[] parameters, int seed, int steps)
        {
            var generator = new Generator((ulong)seed);
            for (int t = 0; t < steps; t++)
            {
                foreach (Parameter p in parameters)
                {
                    p.grad = randn(p.shape, dtype: p.dtype, generator: generator).DetachFromDisposeScope();
                }

                optimizer.step();
            }
        }
    }
}
