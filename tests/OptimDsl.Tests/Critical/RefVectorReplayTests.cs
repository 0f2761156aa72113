using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using OptimDsl.Runtime;
using OptimDsl.Tests.Replay;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace OptimDsl.Tests.Critical
{
    /// <summary>
    /// Replays the recorded runs of the authors' code (refvectors, float64, 30 steps, three tensors in one group) with the
    /// optimizer step written out by hand around a <see cref="CriticalBuffer"/>: CGOptimizer <c>optim.py</c> <c>SGD_C</c> /
    /// <c>Adam_C</c> (Heap), <c>optim_eff.py</c> <c>SGD_C_eff</c> and CMOptimizer <c>SGD_C</c> / <c>Adam_CM</c> / <c>RMSprop_C</c> (Slots).
    /// Every *.json file of the directory whose reference is one of those is replayed. The directory is
    /// <c>$OPTIMDSL_REFVECTORS</c>, else the repository's tests/refvectors; a missing directory fails the test.
    /// </summary>
    public class RefVectorReplayTests
    {
        private readonly ITestOutputHelper _output;

        public RefVectorReplayTests(ITestOutputHelper output) => _output = output;

        private static string FindDirectory()
        {
            string dir = OptimDsl.Tests.Support.RepositoryPaths.RefVectors;
            Assert.True(Directory.Exists(dir), "Reference vectors not found at " + dir + " (set OPTIMDSL_REFVECTORS).");
            return dir;
        }

        private static AggregationRule Rule(string aggr) => aggr switch
        {
            "sum" => AggregationRule.Sum,
            "mid" => AggregationRule.Mid,
            "mean" => AggregationRule.Mean,
            _ => throw new ArgumentException(aggr),
        };

        private static readonly string[] Supported = { "cg.SGD_C", "cg.Adam_C", "cge.SGD_C_eff", "cm.SGD_C", "cm.Adam_CM", "cm.RMSprop_C" };

        [Fact]
        public void ReplayReferenceRuns()
        {
            var dir = FindDirectory();

            var failures = new List<string>();
            int replayed = 0;
            foreach (var file in Directory.GetFiles(dir, "*.json").OrderBy(f => f, StringComparer.Ordinal))
            {
                if (Path.GetFileName(file) == "index.json")
                {
                    continue;
                }

                RefVectorCase c;
                try
                {
                    c = RefVectorCase.Read(file);
                }
                catch (Exception ex) when (ex is JsonException || ex is KeyNotFoundException || ex is InvalidOperationException)
                {
                    continue; // not a case file in this format
                }

                if (!Supported.Contains(c.Reference))
                {
                    continue;
                }

                replayed++;
                var error = Replay(c);
                _output.WriteLine($"{c.Name}: {error ?? "ok"}");
                if (error is not null)
                {
                    failures.Add($"{c.Name}: {error}");
                }
            }

            Assert.True(replayed > 0, $"no supported case in {dir}");
            Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        }

        private static string? Replay(RefVectorCase c)
        {
            bool heap = c.Reference.StartsWith("cg.", StringComparison.Ordinal);
            var structure = heap ? CriticalBufferStructure.Heap : CriticalBufferStructure.Slots;
            bool adam = c.Reference.EndsWith("Adam_C", StringComparison.Ordinal) || c.Reference == "cm.Adam_CM";
            bool cm = c.Reference == "cm.Adam_CM";
            bool rmsprop = c.Reference == "cm.RMSprop_C";
            double lr = c.Number("lr", adam ? 1e-3 : rmsprop ? 1e-2 : 1e-3);
            int topC = (int)c.Number("topC", cm ? 5 : heap ? 10 : c.Reference == "cge.SGD_C_eff" ? 20 : 10);
            double decay = c.Number("decay", c.Reference == "cge.SGD_C_eff" ? 0.99 : 0.7);
            double kappa = c.Number("kappa", 1.0);
            bool synced = c.Flag("synced", true);
            double wd = c.Number("weight_decay", 0.0);
            double momentum = c.Number("momentum", 0.0);
            double dampening = c.Number("dampening", 0.0);
            bool amsgrad = c.Flag("amsgrad", false);
            double eps = c.Number("eps", 1e-8);
            double alpha = c.Number("alpha", 0.99);
            double[] betas = c.Pair("betas", 0.9, 0.999);
            double b1 = betas[0], b2 = betas[1];
            // optim.py's SGD_C honours aggr and kappa; Adam_C honours aggr (default 'mean') but not kappa; the TensorList classes use g + mean(B).
            var rule = heap ? Rule(c.String("aggr", adam ? "mean" : "sum")) : AggregationRule.Sum;
            double bufferWeight = heap && !adam ? kappa : 1.0;

            int n = c.Shapes.Length;
            var ps = Enumerable.Range(0, n).Select(i => tensor(c.Init[i], dtype: ScalarType.Float64).reshape(c.Shapes[i])).ToArray();
            var bufs = new CriticalBuffer?[n];
            var mb = new Tensor?[n];
            var m = ps.Select(p => zeros_like(p)).ToArray();
            var v = ps.Select(p => zeros_like(p)).ToArray();
            var vmax = ps.Select(p => zeros_like(p)).ToArray();
            var steps = new int[n];
            try
            {
                for (int t = 0; t < c.Grads.Length; t++)
                {
                    using var scope = NewDisposeScope();
                    var grads = Enumerable.Range(0, n).Select(i => (Tensor?)tensor(c.Grads[t][i], dtype: ScalarType.Float64).reshape(c.Shapes[i])).ToArray();
                    double[]? hostPriorities = heap ? CriticalPriority.OnHost(grads, synced) : null;
                    Tensor?[]? devicePriorities = heap ? null : CriticalPriority.OnDevice(grads, synced);
                    for (int i = 0; i < n; i++)
                    {
                        var p = ps[i];
                        var g = grads[i]!;
                        var buf = bufs[i] ??= new CriticalBuffer(p, topC, structure);
                        void Offer(Tensor x)
                        {
                            if (heap)
                            {
                                buf.Offer(x, hostPriorities![i]);
                            }
                            else
                            {
                                buf.Offer(x, devicePriorities![i]!);
                            }
                        }

                        if (rmsprop)
                        {
                            // CMOptimizer RMSprop_C: grad = mean(B) alone (before insertion); the first step uses g.
                            Tensor d = g;
                            if (buf.HasEverReceived)
                            {
                                d = buf.Aggregate(g, AggregationRule.BufferMeanOnly, 1.0);
                            }

                            Offer(g);
                            if (wd != 0)
                            {
                                using Scalar wdScalar = wd;
                                d = d.add(p, alpha: wdScalar);
                            }

                            using Scalar alphaScalar = alpha;
                            using Scalar oneMinusAlpha = 1 - alpha;
                            using Scalar epsScalar = eps;
                            using Scalar minusLr = -lr;
                            v[i].mul_(alphaScalar).addcmul_(d, d, value: oneMinusAlpha);
                            var avg = v[i].sqrt().add_(epsScalar, Scalars.One);
                            buf.DecayPriorities(decay);
                            p.addcdiv_(d, avg, value: minusLr);
                        }
                        else if (cm)
                        {
                            if (wd != 0)
                            {
                                using Scalar decayFactor = 1 - lr * wd;
                                p.mul_(decayFactor);
                            }

                            Tensor u;
                            if (!buf.HasEverReceived)
                            {
                                u = m[i];
                                Offer(g);
                            }
                            else
                            {
                                using Scalar b1Scalar = b1;
                                using Scalar oneMinusB1 = 1 - b1;
                                m[i].mul_(b1Scalar).add_(g, alpha: oneMinusB1);
                                u = buf.Aggregate(m[i], AggregationRule.Sum, 1.0);
                                Offer(m[i]);
                            }

                            steps[i]++;
                            double bc1 = 1 - Math.Pow(b1, steps[i]);
                            double bc2 = 1 - Math.Pow(b2, steps[i]);
                            using Scalar b2Scalar = b2;
                            using Scalar oneMinusB2 = 1 - b2;
                            using Scalar sqrtBc2 = Math.Sqrt(bc2);
                            using Scalar epsScalar = eps;
                            using Scalar stepSize = -lr / bc1;
                            v[i].mul_(b2Scalar).addcmul_(u, u, value: oneMinusB2);
                            Tensor denom;
                            if (amsgrad)
                            {
                                vmax[i].copy_(maximum(vmax[i], v[i]));
                                denom = vmax[i].sqrt().div(sqrtBc2).add_(epsScalar, Scalars.One);
                            }
                            else
                            {
                                denom = v[i].sqrt().div(sqrtBc2).add_(epsScalar, Scalars.One);
                            }

                            buf.DecayPriorities(decay);
                            p.addcdiv_(u, denom, value: stepSize);
                        }
                        else if (adam)
                        {
                            Tensor d = g;
                            if (buf.HasEverReceived)
                            {
                                d = buf.Aggregate(g, rule, bufferWeight);
                            }

                            Offer(g);
                            steps[i]++;
                            double bc1 = 1 - Math.Pow(b1, steps[i]);
                            double bc2 = 1 - Math.Pow(b2, steps[i]);
                            if (wd != 0)
                            {
                                using Scalar wdScalar = wd;
                                d = d.add(p, alpha: wdScalar);
                            }

                            using Scalar b1Scalar = b1;
                            using Scalar oneMinusB1 = 1 - b1;
                            using Scalar b2Scalar = b2;
                            using Scalar oneMinusB2 = 1 - b2;
                            using Scalar sqrtBc2 = Math.Sqrt(bc2);
                            using Scalar epsScalar = eps;
                            using Scalar stepSize = -lr / bc1;
                            m[i].mul_(b1Scalar).add_(d, alpha: oneMinusB1);
                            v[i].mul_(b2Scalar).addcmul_(d, d, value: oneMinusB2);
                            Tensor denom;
                            if (amsgrad)
                            {
                                vmax[i].copy_(maximum(vmax[i], v[i]));
                                denom = vmax[i].sqrt().div(sqrtBc2).add_(epsScalar, Scalars.One);
                            }
                            else
                            {
                                denom = v[i].sqrt().div(sqrtBc2).add_(epsScalar, Scalars.One);
                            }

                            buf.DecayPriorities(decay);
                            p.addcdiv_(m[i], denom, value: stepSize);
                        }
                        else
                        {
                            // SGD_C family: L2 before storing/aggregating; momentum after the buffer.
                            using Scalar wdScalar = wd;
                            Tensor d = wd != 0 ? g.add(p, alpha: wdScalar) : g;
                            if (!buf.HasEverReceived)
                            {
                                Offer(d);
                            }
                            else
                            {
                                var a = buf.Aggregate(d, rule, bufferWeight);
                                Offer(d);
                                d = a;
                            }

                            if (decay != 0.0)
                            {
                                buf.DecayPriorities(decay);
                            }

                            if (momentum != 0)
                            {
                                if (mb[i] is null)
                                {
                                    mb[i] = d.clone().DetachFromDisposeScope();
                                }
                                else
                                {
                                    using Scalar momentumScalar = momentum;
                                    using Scalar oneMinusDampening = 1 - dampening;
                                    mb[i]!.mul_(momentumScalar).add_(d, alpha: oneMinusDampening);
                                }

                                d = mb[i]!;
                            }

                            using Scalar minusLr = -lr;
                            p.add_(d, alpha: minusLr);
                        }
                    }

                    for (int i = 0; i < n; i++)
                    {
                        var actual = CriticalTestUtil.Host(ps[i]);
                        var expected = c.Expected[t][i];
                        for (int k = 0; k < expected.Length; k++)
                        {
                            if (!(Math.Abs(actual[k] - expected[k]) <= 1e-10 * Math.Max(1.0, Math.Abs(expected[k]))))
                            {
                                return $"step {t + 1}, param {i}, element {k}: expected {expected[k]:R}, got {actual[k]:R}";
                            }
                        }
                    }
                }

                return null;
            }
            finally
            {
                foreach (var b in bufs)
                {
                    b?.Dispose();
                }
            }
        }
    }
}
