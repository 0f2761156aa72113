using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;
using G = OptimDsl.Optimizers;

namespace OptimDsl.Tests.Classic
{
    /// <summary>How a checkpoint travels from the trained optimizer to the fresh one.</summary>
    public enum CheckpointRoute
    {
        /// <summary><c>state_dict()</c> → <c>load_state_dict(StateDictionary)</c>.</summary>
        StateDictionary,

        /// <summary><c>save_state_dict(BinaryWriter)</c> → <c>load_state_dict(BinaryReader)</c>.</summary>
        Binary,

        /// <summary><c>save_state_dict(string)</c> → <c>load_state_dict(string)</c>.</summary>
        File,
    }

    /// <summary>
    /// Property 2: train N steps, checkpoint, restore into a fresh optimizer over copied parameters, train M more
    /// steps: parameters are bit-identical to an uninterrupted run. The configurations switch on every optional state
    /// tensor (SGD momentum buffer, AMSGrad max, RMSprop grad_avg and momentum buffer, Adagrad's initial accumulator),
    /// and one parameter gets no gradient during the first N steps, so SGD's lazily created momentum buffer is absent
    /// for it at checkpoint time. The fresh optimizer is built either with the same arguments or with all defaults, in
    /// which case every hyper-parameter and every optional tensor must come from the checkpoint.
    /// </summary>
    public sealed class ClassicStateDictTests
    {
        private const int N = 7;
        private const int M = 8;

        public static readonly Dictionary<string, ClassicConfig> Configs = new()
        {
            ["SGD-nesterov-wd"] = new SgdConfig(lr: 0.05, momentum: 0.9, dampening: 0, nesterov: true, weight_decay: 0.01, maximize: false),
            ["SGD-dampened-maximize"] = new SgdConfig(lr: 0.05, momentum: 0.8, dampening: 0.3, nesterov: false, weight_decay: 0, maximize: true),
            ["Adam-amsgrad-wd"] = new AdamConfig(decoupled: false, lr: 0.01, beta1: 0.8, beta2: 0.99, eps: 1e-6, weight_decay: 0.01, amsgrad: true, maximize: false),
            ["AdamW-amsgrad-maximize"] = new AdamConfig(decoupled: true, lr: 0.01, beta1: 0.9, beta2: 0.995, eps: 1e-8, weight_decay: 0.05, amsgrad: true, maximize: true),
            ["RMSprop-centered-momentum"] = new RmspropConfig(lr: 0.005, alpha: 0.9, eps: 1e-6, weight_decay: 0.01, momentum: 0.7, centered: true, maximize: true),
            ["Adagrad-decay-accumulator"] = new AdagradConfig(lr: 0.1, lr_decay: 0.01, weight_decay: 0.01, initial_accumulator_value: 0.3, eps: 1e-10, maximize: true),
        };

        /// <summary>The generated optimizer with every argument at its default.</summary>
        private static optim.Optimizer Defaults(ClassicKind kind, IEnumerable<Parameter> parameters) => kind switch
        {
            ClassicKind.SGD => new G.SGD(parameters),
            ClassicKind.Adam => new G.Adam(parameters),
            ClassicKind.AdamW => new G.AdamW(parameters),
            ClassicKind.RMSprop => new G.RMSprop(parameters),
            ClassicKind.Adagrad => new G.Adagrad(parameters),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        public static IEnumerable<object[]> Cases() =>
            from name in Configs.Keys
            from route in Enum.GetValues<CheckpointRoute>()
            from freshDefaults in new[] { false, true }
            select new object[] { name, route, freshDefaults };

        [Theory]
        [MemberData(nameof(Cases))]
        public void ResumedTrainingIsBitIdenticalToUninterruptedTraining(string config, CheckpointRoute route, bool freshDefaults)
        {
            ClassicConfig c = Configs[config];
            using var scope = NewDisposeScope();
            var model = new ModelSpec(new[] { new long[] { 3, 4 }, new long[] { 5 }, new long[] { 2, 3, 2 } }, Seed: 2024, GradScale: 1.0, MissingGrad: 0.1);
            Tensor?[][] grads = model.Gradients(N + M);
            for (int t = 0; t < N; t++)
            {
                grads[t][1] = null;
            }

            Parameter[] a = model.Parameters();
            using optim.Optimizer original = c.Generated(a);
            for (int t = 0; t < N; t++)
            {
                ClassicHarness.SetGrads(a, grads[t]);
                original.step();
            }

            Parameter[] b = ClassicHarness.Copy(a);
            using optim.Optimizer resumed = freshDefaults ? Defaults(c.Kind, b) : c.Generated(b);
            Restore(original, resumed, route);

            for (int t = N; t < N + M; t++)
            {
                ClassicHarness.SetGrads(a, grads[t]);
                ClassicHarness.SetGrads(b, grads[t]);
                original.step();
                resumed.step();
                ClassicHarness.AssertBitIdentical(a, b, $"{config} via {route} (fresh {(freshDefaults ? "defaults" : "same args")}), step {t + 1}");
            }

            // The checkpoint carried the learning rate (and the options) too.
            Assert.Equal(original.ParamGroups.Single().LearningRate, resumed.ParamGroups.Single().LearningRate);
            Assert.Equal(original.ParamGroups.Single().InitialLearningRate, resumed.ParamGroups.Single().InitialLearningRate);
        }

        private static void Restore(optim.Optimizer from, optim.Optimizer to, CheckpointRoute route)
        {
            switch (route)
            {
                case CheckpointRoute.StateDictionary:
                    ((OptimizerHelper)to).load_state_dict(((OptimizerHelper)from).state_dict());
                    break;
                case CheckpointRoute.Binary:
                    ClassicHarness.Load(to, ClassicHarness.Save(from));
                    break;
                case CheckpointRoute.File:
                    string path = Path.Combine(Path.GetTempPath(), "optimdsl-classic-" + Guid.NewGuid().ToString("N") + ".bin");
                    try
                    {
                        ((OptimizerHelper)from).save_state_dict(path);
                        ((OptimizerHelper)to).load_state_dict(path);
                    }
                    finally
                    {
                        System.IO.File.Delete(path);
                    }

                    break;
            }
        }

        private static Parameter[] Model() =>
            new ModelSpec(new[] { new long[] { 3, 2 }, new long[] { 4 } }, Seed: 9, GradScale: 1.0, MissingGrad: 0).Parameters();

        /// <summary>Generated optimizer, one step taken so every state tensor exists.</summary>
        private static optim.Optimizer Trained(ClassicKind kind, Parameter[] parameters)
        {
            optim.Optimizer o = kind switch
            {
                ClassicKind.SGD => new G.SGD(parameters, lr: 0.1, momentum: 0.9),
                ClassicKind.Adam => new G.Adam(parameters, amsgrad: true),
                ClassicKind.AdamW => new G.AdamW(parameters, amsgrad: true),
                ClassicKind.RMSprop => new G.RMSprop(parameters, momentum: 0.5, centered: true),
                ClassicKind.Adagrad => new G.Adagrad(parameters),
                _ => throw new ArgumentOutOfRangeException(nameof(kind)),
            };
            foreach (Parameter p in parameters)
            {
                p.grad = ones_like(p);
            }

            o.step();
            return o;
        }

        [Theory]
        [InlineData(ClassicKind.SGD, ClassicKind.Adam)]
        [InlineData(ClassicKind.Adam, ClassicKind.AdamW)]
        [InlineData(ClassicKind.AdamW, ClassicKind.Adam)]
        [InlineData(ClassicKind.RMSprop, ClassicKind.SGD)]
        [InlineData(ClassicKind.Adagrad, ClassicKind.RMSprop)]
        [InlineData(ClassicKind.SGD, ClassicKind.Adagrad)]
        public void CheckpointOfAnotherGeneratedOptimizer_IsRejected(ClassicKind writer, ClassicKind reader)
        {
            using var scope = NewDisposeScope();
            using optim.Optimizer source = Trained(writer, Model());
            using optim.Optimizer target = Trained(reader, Model());
            byte[] checkpoint = ClassicHarness.Save(source);
            var e = Assert.Throws<InvalidDataException>(() => ClassicHarness.Load(target, checkpoint));
            Assert.Contains(writer.ToString(), e.Message);
        }

        /// <summary>
        /// A checkpoint whose type-name header has been rewritten to the reader's (so TorchSharp's own check passes):
        /// Adam and AdamW have the same option and state fields, so only OptimDsl's layout tag can tell them apart.
        /// </summary>
        [Theory]
        [InlineData(ClassicKind.AdamW, ClassicKind.Adam)]
        [InlineData(ClassicKind.Adam, ClassicKind.AdamW)]
        [InlineData(ClassicKind.SGD, ClassicKind.RMSprop)]
        public void CheckpointWithForgedTypeName_IsRejectedByTheLayoutTag(ClassicKind writer, ClassicKind reader)
        {
            using var scope = NewDisposeScope();
            using optim.Optimizer source = Trained(writer, Model());
            using optim.Optimizer target = Trained(reader, Model());
            byte[] forged = Retitle(ClassicHarness.Save(source), target.GetType().Name);
            var e = Assert.Throws<InvalidDataException>(() => ClassicHarness.Load(target, forged));
            Assert.Contains("OptimDsl/" + writer, e.Message);
        }

        /// <summary>
        /// TorchSharp's built-in optimizers share the simple type name of ours (Modules.SGD/Adam/AdamW/Adagrad), so the
        /// type-name header passes; the layout tag must reject their checkpoints with <see cref="InvalidDataException"/>.
        /// </summary>
        [Theory]
        [InlineData(ClassicKind.SGD)]
        [InlineData(ClassicKind.Adam)]
        [InlineData(ClassicKind.AdamW)]
        [InlineData(ClassicKind.Adagrad)]
        public void CheckpointOfTorchSharpsBuiltinWithTheSameTypeName_IsRejected(ClassicKind kind)
        {
            using var scope = NewDisposeScope();
            ClassicConfig config = kind switch
            {
                ClassicKind.SGD => new SgdConfig(0.1, 0.9, 0, false, 0, false),
                ClassicKind.Adam => new AdamConfig(false, 1e-3, 0.9, 0.999, 1e-8, 0, true, false),
                ClassicKind.AdamW => new AdamConfig(true, 1e-3, 0.9, 0.999, 1e-8, 0.01, true, false),
                _ => new AdagradConfig(0.01, 0, 0, 0, 1e-10, false),
            };
            Parameter[] ps = Model();
            using optim.Optimizer builtin = config.Builtin(ps);
            using optim.Optimizer target = config.Generated(Model());
            Assert.Equal(builtin.GetType().Name, target.GetType().Name);
            byte[] checkpoint = ClassicHarness.Save(builtin);
            Assert.Throws<InvalidDataException>(() => ClassicHarness.Load(target, checkpoint));
        }

        /// <summary>Replaces the leading length-prefixed type name of a TorchSharp optimizer checkpoint.</summary>
        private static byte[] Retitle(byte[] checkpoint, string typeName)
        {
            using var input = new BinaryReader(new MemoryStream(checkpoint), Encoding.UTF8);
            input.ReadString();
            byte[] rest = input.ReadBytes(checkpoint.Length);
            using var ms = new MemoryStream();
            using (var output = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true))
            {
                output.Write(typeName);
                output.Write(rest);
            }

            return ms.ToArray();
        }
    }
}
