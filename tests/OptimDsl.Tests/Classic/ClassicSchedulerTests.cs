using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;
using static TorchSharp.torch.optim;

namespace OptimDsl.Tests.Classic
{
    /// <summary>
    /// Property 3: TorchSharp's LR schedulers drive a generated optimizer exactly as they drive the built-in one: the
    /// same learning rate (and, for OneCycleLR, the same momentum / betas, set through IMomentum / IBetas on each
    /// group) after every step, exactly; parameters within the tolerance of the parity property.
    /// </summary>
    public sealed class ClassicSchedulerTests
    {
        private const int Steps = 30;

        public static readonly Dictionary<string, ClassicConfig> Configs = new()
        {
            ["SGD-momentum"] = new SgdConfig(lr: 0.05, momentum: 0.9, dampening: 0, nesterov: true, weight_decay: 0.01, maximize: false),
            ["SGD-no-momentum"] = new SgdConfig(lr: 0.05, momentum: 0, dampening: 0, nesterov: false, weight_decay: 0, maximize: false),
            ["Adam-amsgrad"] = new AdamConfig(decoupled: false, lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.01, amsgrad: true, maximize: false),
            ["AdamW"] = new AdamConfig(decoupled: true, lr: 0.01, beta1: 0.9, beta2: 0.99, eps: 1e-8, weight_decay: 0.05, amsgrad: false, maximize: false),
            ["RMSprop-momentum"] = new RmspropConfig(lr: 0.005, alpha: 0.99, eps: 1e-8, weight_decay: 0, momentum: 0.5, centered: true, maximize: false),
            ["RMSprop-no-momentum"] = new RmspropConfig(lr: 0.005, alpha: 0.99, eps: 1e-8, weight_decay: 0, momentum: 0, centered: false, maximize: false),
            ["Adagrad"] = new AdagradConfig(lr: 0.1, lr_decay: 0.01, weight_decay: 0, initial_accumulator_value: 0.1, eps: 1e-10, maximize: false),
        };

        public static IEnumerable<object[]> AllConfigs() => Configs.Keys.Select(k => new object[] { k });

        /// <summary>OneCycleLR cycles momentum, so it needs an optimizer with IMomentum or IBetas (not Adagrad).</summary>
        public static IEnumerable<object[]> MomentumConfigs() => Configs.Keys.Where(k => !k.StartsWith("Adagrad", StringComparison.Ordinal)).Select(k => new object[] { k });

        [Theory]
        [MemberData(nameof(AllConfigs))]
        public void StepLR_DrivesGeneratedLikeBuiltin(string config) =>
            Run(config, o => lr_scheduler.StepLR(o, step_size: 4, gamma: 0.5), (c, t, lr) =>
                // StepLR's closed form after t+1 scheduler steps.
                Assert.Equal(LearningRate(c) * Math.Pow(0.5, (t + 1) / 4), lr, 15));

        [Theory]
        [MemberData(nameof(MomentumConfigs))]
        public void OneCycleLR_DrivesGeneratedLikeBuiltin(string config) =>
            Run(config, o => lr_scheduler.OneCycleLR(o, max_lr: 0.05, total_steps: Steps), null);

        private static double LearningRate(ClassicConfig c) => c switch
        {
            SgdConfig s => s.lr,
            AdamConfig a => a.lr,
            RmspropConfig r => r.lr,
            AdagradConfig g => g.lr,
            _ => throw new ArgumentOutOfRangeException(nameof(c)),
        };

        /// <summary>The group's (lr, momentum-or-beta1, beta2) as a scheduler sees them.</summary>
        private static (double Lr, double? Momentum, double? Beta1, double? Beta2) Observe(optim.Optimizer o)
        {
            ILearningRateController group = o.ParamGroups.Single();
            double? momentum = (group as IMomentum)?.Momentum;
            (double, double)? betas = (group as IBetas)?.Betas;
            return (group.LearningRate, momentum, betas?.Item1, betas?.Item2);
        }

        private static void Run(string config, Func<optim.Optimizer, lr_scheduler.LRScheduler> schedule, Action<ClassicConfig, int, double>? check)
        {
            ClassicConfig c = Configs[config];
            using var scope = NewDisposeScope();
            var model = new ModelSpec(new[] { new long[] { 4, 3 }, new long[] { 6 } }, Seed: 77, GradScale: 1.0, MissingGrad: 0);
            Parameter[] a = model.Parameters();
            Parameter[] b = ClassicHarness.Copy(a);
            Tensor?[][] grads = model.Gradients(Steps);
            using optim.Optimizer generated = c.Generated(a);
            using optim.Optimizer builtin = c.Builtin(b);
            lr_scheduler.LRScheduler generatedSchedule = schedule(generated);
            lr_scheduler.LRScheduler builtinSchedule = schedule(builtin);
            Assert.Equal(Observe(builtin), Observe(generated));

            var seen = new List<string>();
            ClassicHarness.TrainSideBySide($"{config} under {generatedSchedule.GetType().Name}", generated, a, builtin, b, grads, t =>
            {
                generatedSchedule.step();
                builtinSchedule.step();
                var expected = Observe(builtin);
                var actual = Observe(generated);
                Assert.True(expected == actual, $"{config}, scheduler step {t + 1}: built-in group {expected}, generated group {actual}");
                check?.Invoke(c, t, actual.Lr);
                seen.Add(string.Format(CultureInfo.InvariantCulture, "{0:G4}/{1:G4}", actual.Lr, actual.Momentum ?? actual.Beta1));
            }, fusedPath: true);

            // The schedule really moved what it controls (guards against comparing two constant sequences).
            Assert.True(seen.Distinct().Count() > 3, string.Join(", ", seen));
        }
    }
}
