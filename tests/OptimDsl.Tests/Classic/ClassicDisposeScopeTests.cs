using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace OptimDsl.Tests.Classic
{
    /// <summary>
    /// Property 6: steps neither leak tensors nor lose state to a caller's DisposeScope. Measured with TorchSharp's
    /// per-thread <see cref="DisposeScopeManager.Statistics"/> (xunit runs a synchronous test on one thread): after two
    /// warm-up steps (which create lazily allocated state such as SGD's momentum buffer) the counters are reset and the
    /// live-tensor count must stay at 0 over 20 more steps. Gradients are pre-built and assigned with the <c>grad</c>
    /// setter, which creates no managed tensor, so any live tensor counted belongs to the optimizer.
    /// </summary>
    public sealed class ClassicDisposeScopeTests
    {
        private const int Warmup = 2;
        private const int Measured = 20;

        public static readonly Dictionary<string, ClassicConfig> Configs = new()
        {
            ["Adam-amsgrad"] = new AdamConfig(decoupled: false, lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.01, amsgrad: true, maximize: true),
            ["SGD-momentum"] = new SgdConfig(lr: 0.05, momentum: 0.9, dampening: 0, nesterov: true, weight_decay: 0.01, maximize: false),
            ["AdamW-amsgrad"] = new AdamConfig(decoupled: true, lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.01, amsgrad: true, maximize: false),
            ["RMSprop-centered-momentum"] = new RmspropConfig(lr: 0.005, alpha: 0.99, eps: 1e-8, weight_decay: 0.01, momentum: 0.5, centered: true, maximize: true),
            ["Adagrad"] = new AdagradConfig(lr: 0.1, lr_decay: 0.01, weight_decay: 0.01, initial_accumulator_value: 0.1, eps: 1e-10, maximize: true),
        };

        public static IEnumerable<object[]> Names() => Configs.Keys.Select(k => new object[] { k });

        [Theory]
        [MemberData(nameof(Names))]
        public void StepsDoNotLeakTensors(string config)
        {
            using var scope = NewDisposeScope();
            var model = new ModelSpec(new[] { new long[] { 4, 3 }, new long[] { 5 }, new long[] { 2, 2, 2 } }, Seed: 8, GradScale: 1.0, MissingGrad: 0.1);
            Parameter[] ps = model.Parameters();
            Tensor?[][] grads = model.Gradients(Warmup + Measured);
            using optim.Optimizer o = Configs[config].Generated(ps);
            for (int t = 0; t < Warmup; t++)
            {
                Assign(ps, grads[t]);
                o.step();
            }

            DisposeScopeManager.Statistics.Reset();
            var live = new List<long>();
            for (int t = Warmup; t < Warmup + Measured; t++)
            {
                Assign(ps, grads[t]);
                o.step();
                live.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount);
            }

            string stats = DisposeScopeManager.Statistics.ToString();
            Assert.True(live.All(n => n == 0), $"{config}: live tensors after each step: [{string.Join(", ", live)}]; {stats}");
        }

        /// <summary>
        /// State created during a step taken inside the caller's own DisposeScope (SGD's lazily created momentum buffer,
        /// every optimizer's first step) survives that scope: training continues exactly as without the scope.
        /// </summary>
        [Theory]
        [MemberData(nameof(Names))]
        public void StateSurvivesTheCallersDisposeScope(string config)
        {
            using var scope = NewDisposeScope();
            var model = new ModelSpec(new[] { new long[] { 4, 3 }, new long[] { 5 } }, Seed: 12, GradScale: 1.0, MissingGrad: 0);
            Parameter[] a = model.Parameters();
            Parameter[] b = ClassicHarness.Copy(a);
            Tensor?[][] grads = model.Gradients(10);
            using optim.Optimizer scoped = Configs[config].Generated(a);
            using optim.Optimizer plain = Configs[config].Generated(b);
            for (int t = 0; t < grads.Length; t++)
            {
                using (NewDisposeScope())
                {
                    Assign(a, grads[t]);
                    scoped.step();
                }

                Assign(b, grads[t]);
                plain.step();
                ClassicHarness.AssertBitIdentical(b, a, $"{config} step {t + 1}");
            }
        }

        private static void Assign(Parameter[] ps, Tensor?[] grads)
        {
            for (int i = 0; i < ps.Length; i++)
            {
                ps[i].grad = grads[i];
            }
        }
    }
}
