using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using OptimDsl.Runtime;
using OptimDsl.Tests.Fused;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OptimDsl.Tests.Checkpoints
{
    /// <summary>
    /// Catalog optimizers with every kind of state filled in (small float32 models, a few steps of seeded gradients with
    /// spikes so critical buffers admit and evict), the four ways to save and load a checkpoint, and a bit-exact snapshot of
    /// everything an optimizer holds.
    /// </summary>
    internal static class CheckpointHarness
    {
        public static readonly long[][] Shapes = { new long[] { 3, 4 }, new long[] { 5 }, new long[] { 2, 3, 2 } };

        /// <summary>The same shapes with the first parameter's last dimension changed.</summary>
        public static readonly long[][] OtherShapes = { new long[] { 3, 5 }, new long[] { 5 }, new long[] { 2, 3, 2 } };

        public static Parameter[] Parameters(int seed, long[][]? shapes = null)
        {
            var generator = new Generator((ulong)seed);
            return (shapes ?? Shapes).Select(s => new Parameter(randn(s, dtype: ScalarType.Float32, generator: generator))).ToArray();
        }

        /// <summary>
        /// Arguments that switch on as much state as the optimizer has (momentum buffers, AMSGrad, centered averages,
        /// Adafactor's first moment, a small buffer with random replacement and a maximum age), overridden by <paramref name="overrides"/>.
        /// </summary>
        public static Dictionary<string, object?> Arguments(Type type, IReadOnlyDictionary<string, object?>? overrides = null)
        {
            var wanted = new Dictionary<string, object?>
            {
                ["momentum"] = 0.9,
                ["amsgrad"] = true,
                ["centered"] = true,
                ["beta1"] = 0.9,
                ["topC"] = 3,
                ["critical_test"] = 0.3,
                ["seed"] = 7UL,
                ["max_age"] = 4,
            };
            var names = Constructor(type).GetParameters().Select(p => p.Name!).ToHashSet();
            var result = wanted.Where(kv => names.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value);
            if (type.Name == "SGD" || type.Name == "CriticalSGD" || type.Name.StartsWith("SGD_C", StringComparison.Ordinal) || type.Name == "CM_SGD_C")
            {
                result["lr"] = 0.01;
            }

            foreach (var (key, value) in overrides ?? new Dictionary<string, object?>())
            {
                result[key] = value;
            }

            return result;
        }

        public static bool Accepts(Type type, string argument) => Constructor(type).GetParameters().Any(p => p.Name == argument);

        /// <summary>A catalog optimizer over <paramref name="parameters"/> with <see cref="Arguments"/>.</summary>
        public static OptimizerHelper Create(Type type, Parameter[] parameters, IReadOnlyDictionary<string, object?>? overrides = null) =>
            CatalogOptimizers.Create(type, parameters, fused: null, Arguments(type, overrides));

        /// <summary>Steps with seeded gradients (every fourth step a spike, and the last parameter skips step 2).</summary>
        public static void Train(OptimizerHelper optimizer, Parameter[] parameters, int seed, int steps)
        {
            var generator = new Generator((ulong)seed + 100);
            for (int t = 0; t < steps; t++)
            {
                double scale = t % 4 == 3 ? 25.0 : 1.0;
                using Scalar scaleScalar = scale;
                for (int i = 0; i < parameters.Length; i++)
                {
                    parameters[i].grad = t == 2 && i == parameters.Length - 1
                        ? null
                        : randn(parameters[i].shape, dtype: parameters[i].dtype, generator: generator).mul(scaleScalar).DetachFromDisposeScope();
                }

                optimizer.step();
            }
        }

        /// <summary>A trained optimizer: created, then <paramref name="steps"/> steps.</summary>
        public static (OptimizerHelper Optimizer, Parameter[] Parameters) Trained(Type type, int seed, int steps = 6, IReadOnlyDictionary<string, object?>? overrides = null, long[][]? shapes = null)
        {
            Parameter[] parameters = Parameters(seed, shapes);
            OptimizerHelper optimizer = Create(type, parameters, overrides);
            Train(optimizer, parameters, seed, steps);
            return (optimizer, parameters);
        }

        // ---- the routes ----

        /// <summary>TorchSharp's <c>save_state_dict(BinaryWriter)</c>, called through an <see cref="OptimizerHelper"/> reference.</summary>
        public static byte[] SaveThroughTorchSharp(OptimizerHelper optimizer)
        {
            using var stream = new MemoryStream();
            using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
            {
                optimizer.save_state_dict(writer);
            }

            return stream.ToArray();
        }

        /// <summary>The generated class's own <c>save_state_dict(BinaryWriter)</c> (it hides TorchSharp's).</summary>
        public static byte[] Save(OptimizerHelper optimizer)
        {
            using var stream = new MemoryStream();
            using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
            {
                Call(optimizer, "save_state_dict", writer);
            }

            return stream.ToArray();
        }

        /// <summary>The generated class's own <c>load_state_dict(BinaryReader)</c>; returns the bytes left unread.</summary>
        public static long Load(OptimizerHelper optimizer, byte[] checkpoint)
        {
            using var stream = new MemoryStream(checkpoint);
            using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
            Call(optimizer, "load_state_dict", reader);
            return stream.Length - stream.Position;
        }

        /// <summary>TorchSharp's <c>load_state_dict(BinaryReader)</c>, called through an <see cref="OptimizerHelper"/> reference.</summary>
        public static void LoadThroughTorchSharp(OptimizerHelper optimizer, byte[] checkpoint)
        {
            using var reader = new BinaryReader(new MemoryStream(checkpoint), Encoding.UTF8);
            optimizer.load_state_dict(reader);
        }

        /// <summary>The generated class's own <c>load_state_dict(string)</c> of a temporary file holding <paramref name="checkpoint"/>.</summary>
        public static void LoadFile(OptimizerHelper optimizer, byte[] checkpoint) => WithFile(checkpoint, path => Call(optimizer, "load_state_dict", path));

        /// <summary>TorchSharp's <c>load_state_dict(string)</c> of a temporary file holding <paramref name="checkpoint"/>.</summary>
        public static void LoadFileThroughTorchSharp(OptimizerHelper optimizer, byte[] checkpoint) => WithFile(checkpoint, optimizer.load_state_dict);

        public static void WithFile(byte[] bytes, Action<string> use)
        {
            string path = TemporaryPath();
            try
            {
                File.WriteAllBytes(path, bytes);
                use(path);
            }
            finally
            {
                File.Delete(path);
            }
        }

        public static string TemporaryPath() => Path.Combine(Path.GetTempPath(), "optimdsl-checkpoint-" + Guid.NewGuid().ToString("N") + ".bin");

        /// <summary>Calls a method DECLARED by the optimizer's generated class (not TorchSharp's hidden one), unwrapping reflection.</summary>
        public static void Call(OptimizerHelper optimizer, string name, object argument)
        {
            Type parameterType = argument switch
            {
                string => typeof(string),
                BinaryReader => typeof(BinaryReader),
                BinaryWriter => typeof(BinaryWriter),
                _ => argument.GetType(),
            };
            MethodInfo method = optimizer.GetType().GetMethod(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly, new[] { parameterType })
                ?? throw new InvalidOperationException(optimizer.GetType().Name + " declares no " + name + "(" + parameterType.Name + ")");
            try
            {
                method.Invoke(optimizer, new[] { argument });
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            }
        }

        // ---- snapshots ----

        /// <summary>
        /// Everything the optimizer holds, bit for bit: its checkpoint, and independently of the checkpoint code, every
        /// option field and learning rate, and every public field of every state (step counters, tensors' dtypes, shapes
        /// and bytes, critical buffers' host state, priorities, slots and values, SM3 accumulators, Adafactor factors).
        /// </summary>
        public static byte[] Snapshot(OptimizerHelper optimizer)
        {
            using var stream = new MemoryStream();
            using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
            {
                w.Write(SaveThroughTorchSharp(optimizer));
                var dictionary = optimizer.state_dict();
                foreach (OptimizerOptions options in dictionary.Options)
                {
                    w.Write(F(options.LearningRate) + "/" + F(options.InitialLearningRate));
                    foreach (FieldInfo field in options.GetType().GetFields(BindingFlags.Public | BindingFlags.Instance).OrderBy(f => f.Name, StringComparer.Ordinal))
                    {
                        w.Write(field.Name + "=" + F(field.GetValue(options)));
                    }
                }

                foreach (OptimizerState state in dictionary.State)
                {
                    foreach (FieldInfo field in state.GetType().GetFields(BindingFlags.Public | BindingFlags.Instance).OrderBy(f => f.Name, StringComparer.Ordinal))
                    {
                        w.Write(field.Name);
                        WriteValue(w, field.GetValue(state));
                    }
                }
            }

            return stream.ToArray();
        }

        private static void WriteValue(BinaryWriter w, object? value)
        {
            switch (value)
            {
                case null:
                    w.Write("null");
                    break;
                case Tensor t:
                    WriteTensor(w, t);
                    break;
                case CriticalBuffer b:
                    w.Write(b.Capacity);
                    w.Write(b.StepsSeen);
                    w.Write(b.HasEverReceived);
                    w.Write(string.Join(",", b.StoredPriorities().Select(p => F(p))));
                    w.Write(string.Join(",", b.StoredSlots()));
                    WriteTensor(w, b.Values);
                    b.Save(w);
                    break;
                case Sm3Accumulators s:
                    foreach (Tensor t in s.Accumulators)
                    {
                        WriteTensor(w, t);
                    }

                    break;
                case FactoredSecondMoment f:
                    WriteValue(w, f.Row);
                    WriteValue(w, f.Col);
                    WriteValue(w, f.Full);
                    break;
                default:
                    w.Write(F(value));
                    break;
            }
        }

        private static void WriteTensor(BinaryWriter w, Tensor t)
        {
            using var scope = NewDisposeScope();
            w.Write(t.dtype.ToString() + Shapes2(t.shape) + t.device_type);
            w.Write(t.cpu().contiguous().bytes);
        }

        private static string Shapes2(long[] shape) => "[" + string.Join(",", shape) + "]";

        private static string F(object? value) => value switch
        {
            null => "null",
            double d => BitConverter.DoubleToInt64Bits(d).ToString(CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? string.Empty,
        };

        // ---- messages ----

        /// <summary>Readable text: no control, format, surrogate, private-use or unassigned characters, and no U+FFFD.</summary>
        public static bool IsReadable(string message) =>
            message.Length > 0 && message.All(c => c != '\uFFFD' && char.GetUnicodeCategory(c) is not (
                UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned));

        /// <summary>Replaces the leading length-prefixed type name of a TorchSharp optimizer checkpoint.</summary>
        public static byte[] Retitle(byte[] checkpoint, string typeName)
        {
            using var input = new BinaryReader(new MemoryStream(checkpoint), Encoding.UTF8);
            input.ReadString();
            byte[] rest = input.ReadBytes(checkpoint.Length);
            using var stream = new MemoryStream();
            using (var output = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
            {
                output.Write(typeName);
                output.Write(rest);
            }

            return stream.ToArray();
        }

        /// <summary>Where the bytes of one of the optimizer's state tensors (the first with at least 8 elements) start in its checkpoint.</summary>
        public static (int Offset, int Length) TensorData(OptimizerHelper optimizer, byte[] checkpoint)
        {
            foreach (OptimizerState state in optimizer.state_dict().State)
            {
                foreach (FieldInfo field in state.GetType().GetFields(BindingFlags.Public | BindingFlags.Instance).OrderBy(f => f.Name, StringComparer.Ordinal))
                {
                    IEnumerable<Tensor> candidates = field.GetValue(state) switch
                    {
                        Tensor t => new[] { t },
                        Sm3Accumulators s => s.Accumulators,
                        FactoredSecondMoment f => new[] { f.Row, f.Col, f.Full }.Where(t => t is not null).Select(t => t!),
                        _ => Array.Empty<Tensor>(),
                    };
                    foreach (Tensor t in candidates.Where(t => t.numel() >= 8))
                    {
                        byte[] bytes = t.cpu().contiguous().bytes.ToArray();
                        int at = checkpoint.AsSpan().IndexOf(bytes);
                        if (at >= 0)
                        {
                            return (at, bytes.Length);
                        }
                    }
                }
            }

            throw new InvalidOperationException(optimizer.GetType().Name + ": no state tensor's bytes found in its checkpoint.");
        }

        private static ConstructorInfo Constructor(Type type) =>
            type.GetConstructors().Single(c => c.GetParameters()[0].ParameterType == typeof(IEnumerable<Parameter>));
    }
}
