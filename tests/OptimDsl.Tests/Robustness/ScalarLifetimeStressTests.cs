using System;
using System.Collections.Generic;
using System.Threading;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace OptimDsl.Tests.Robustness
{
    /// <summary>Runs alone: its collector thread would expose the temporaries of other tests' own reference code.</summary>
    [CollectionDefinition(Name, DisableParallelization = true)]
    public sealed class ScalarLifetimeStressCollection
    {
        public const string Name = "ScalarLifetimeStress";
    }

    /// <summary>
    /// Steps on the tensor path (<c>fused: false</c>) while another thread runs <c>GC.Collect</c> and
    /// <c>WaitForPendingFinalizers</c> in a loop, so that any <c>Scalar</c> left unreachable during a native call is
    /// finalized (its native object freed) while libtorch reads it. Before the generated code and the runtime stopped
    /// calling TorchSharp overloads that create their own temporary Scalar (<c>add_(Scalar)</c> is <c>add_(scalar, 1)</c>,
    /// <c>linalg.vector_norm(t, 2.0)</c> reads <c>ord.ToScalar().Handle</c>; see ScalarLifetimeTests.RacyMethods) this
    /// failed with "Expected false to be true ... toDouble" or "Unknown scalar type" — several times per second in a
    /// stand-alone loop of these steps, but far more rarely under the test host: of two runs of this test before the fix,
    /// one failed (Adafactor) and one passed. So it detects the race only by chance; after the fix it has nothing left
    /// to find and cannot fail by chance. The static check (ScalarLifetimeTests) is the guard, this is a smoke test.
    /// </summary>
    [Collection(ScalarLifetimeStressCollection.Name)]
    public sealed class ScalarLifetimeStressTests
    {
        // A fixed number of steps, not a time budget: a loaded machine makes the steps slower, never the test fail.
        private const int Steps = 12;

        public static TheoryData<string> Optimizers() => new TheoryData<string> { "Adam", "RMSprop", "Adafactor", "SM3", "CriticalAdam" };

        [Theory]
        [MemberData(nameof(Optimizers))]
        public void Tensor_path_steps_survive_collections_during_native_calls(string name)
        {
            // Many small parameters: the tensor path's per-parameter calls dominate each step (a racy call per parameter).
            var parameters = new Parameter[48];
            for (int i = 0; i < parameters.Length; i++)
            {
                parameters[i] = new Parameter(i % 2 == 0 ? randn(3) : randn(2, 3));
            }

            using torch.optim.Optimizer optimizer = Create(name, parameters);
            bool stop = false;
            var collector = new Thread(() =>
            {
                while (!Volatile.Read(ref stop))
                {
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                }
            }) { IsBackground = true };
            collector.Start();
            using Scalar two = 2; // p.square() is p.pow(2), with a temporary Scalar inside TorchSharp: the collector would free it
            try
            {
                for (int step = 0; step < Steps; step++)
                {
                    using (NewDisposeScope())
                    {
                        optimizer.zero_grad();
                        foreach (Parameter p in parameters)
                        {
                            p.pow(two).sum().backward();
                        }

                        optimizer.step();
                    }
                }

                foreach (Parameter p in parameters)
                {
                    Assert.True(p.isfinite().all().item<bool>(), name + ": a parameter is not finite after " + Steps + " steps");
                }
            }
            finally
            {
                Volatile.Write(ref stop, true);
                collector.Join();
                foreach (Parameter p in parameters)
                {
                    p.Dispose();
                }
            }
        }

        private static torch.optim.Optimizer Create(string name, IEnumerable<Parameter> parameters) => name switch
        {
            "Adam" => new OptimDsl.Optimizers.Adam(parameters, lr: 1e-3, weight_decay: 0.01, fused: false),
            "RMSprop" => new OptimDsl.Optimizers.RMSprop(parameters, lr: 1e-3, momentum: 0.9, fused: false),
            "Adafactor" => new OptimDsl.Optimizers.Adafactor(parameters, fused: false),
            "SM3" => new OptimDsl.Optimizers.SM3(parameters, lr: 1e-3, momentum: 0.9, eps: 1e-8, fused: false),
            "CriticalAdam" => new OptimDsl.Optimizers.CriticalAdam(parameters, lr: 1e-3, topC: 3, fused: false),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
        };
    }
}
