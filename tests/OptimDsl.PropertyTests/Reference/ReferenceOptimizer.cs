using System;
using System.Collections.Generic;
using System.Linq;

namespace OptimDsl.PropertyTests.Reference
{
    /// <summary>
    /// The composition of the blocks in docs/DSL.md's canonical order (steps 1–17), one parameter group, written from
    /// the documentation only. Parameters are plain <c>double[]</c>; <see cref="Step"/> takes one gradient per parameter
    /// (null = the parameter has no gradient this step and is skipped).
    /// </summary>
    public sealed class ReferenceOptimizer
    {
        private readonly RefConfig _c;
        private readonly ParamState[] _states;

        public ReferenceOptimizer(RefConfig config, IEnumerable<RefTensor> initial)
        {
            _c = config;
            RefTensor[] ps = initial.Select(t => t.Clone()).ToArray();
            Params = ps.Select(t => t.Data).ToArray();
            _states = ps.Select(t => new ParamState(config, t.Shape)).ToArray();
        }

        /// <summary>The current parameter values.</summary>
        public double[][] Params { get; }

        /// <summary>The critical buffer of parameter <paramref name="i"/> (null without an active buffer).</summary>
        public RefCriticalBuffer? Buffer(int i) => _states[i].Buffer;

        public void Step(IReadOnlyList<double[]?> grads)
        {
            RefCritical? crit = _c.Critical;
            double syncedPriority = 0;
            foreach (double[]? g in grads)
            {
                if (g is not null)
                {
                    syncedPriority += V.Norm(g);
                }
            }

            for (int i = 0; i < Params.Length; i++)
            {
                if (grads[i] is not { } g)
                {
                    continue;
                }

                ParamState s = _states[i];
                s.Step += 1;
                long t = s.Step;
                double[] p = Params[i];
                double lr = _c.Lr;
                RefWeightDecay? wd = _c.WeightDecay;
                double priority = crit is { Synced: true } ? syncedPriority : V.Norm(g);
                RefCriticalBuffer? buffer = s.Buffer;
                bool gradientBuffer = crit is { Source: CriticalSource.Gradient };
                bool l2AfterBuffer = wd is { Mode: WeightDecayMode.L2, Order: WeightDecayOrder.AfterCriticalBuffer } && gradientBuffer;

                // 1. Decoupled weight decay.
                if (wd is { Mode: WeightDecayMode.Decoupled } && wd.Value != 0)
                {
                    p = V.Scale(p, 1 - lr * wd.Value);
                }

                // 2. Gradient (maximize).
                double[] d = _c.Maximize ? V.Neg(g) : V.Copy(g);

                // 3. L2 weight decay.
                if (wd is { Mode: WeightDecayMode.L2 } && !l2AfterBuffer)
                {
                    d = V.AddScaled(d, wd.Value, p);
                }

                // 4. Seed-only first step.
                if (buffer is not null && crit!.FirstStep == CriticalFirstStep.NoOp && !buffer.HasEverReceived)
                {
                    double[] seed = crit.Source == CriticalSource.Gradient || crit.SeedWithGradient ? d : s.ExpAvg;
                    buffer.Offer(seed, priority, t);
                    buffer.DecayPriorities(crit.Decay);
                    Params[i] = p;
                    continue;
                }

                // 5. Critical buffer on gradients.
                if (buffer is not null && crit!.Source == CriticalSource.Gradient)
                {
                    buffer.DropOlderThan(crit.MaxAge, t);
                    double[] stored = d;
                    if (buffer.HasEverReceived)
                    {
                        d = buffer.Aggregate(d, crit.Aggregation, crit.Weight);
                    }

                    buffer.Offer(stored, priority, t);
                }

                // 6. L2 weight decay after the buffer.
                if (l2AfterBuffer)
                {
                    d = V.AddScaled(d, wd!.Value, p);
                }

                // 7. Heavy-ball momentum on gradients.
                if (_c.Momentum is { Input: MomentInput.Gradient } hb && hb.Value != 0)
                {
                    s.MomentumBuffer = s.MomentumBuffer is null
                        ? V.Copy(d)
                        : V.AddScaled(V.Scale(s.MomentumBuffer, hb.Value), 1 - hb.Dampening, d);
                    d = hb.Nesterov ? V.AddScaled(d, hb.Value, s.MomentumBuffer) : V.Copy(s.MomentumBuffer);
                }

                // 8. First moment on gradients.
                double[]? n = null;
                bool firstMomentOnGradients = _c.FirstMoment is { Input: MomentInput.Gradient };
                if (firstMomentOnGradients)
                {
                    s.ExpAvg = V.Ema(s.ExpAvg, _c.FirstMoment!.Beta, d);
                    n = s.ExpAvg;
                }

                // 9. Critical buffer on momenta.
                if (buffer is not null && crit!.Source == CriticalSource.Momentum)
                {
                    buffer.DropOlderThan(crit.MaxAge, t);
                    double[] stored = crit.SeedWithGradient && !buffer.HasEverReceived ? d : s.ExpAvg;
                    if (buffer.HasEverReceived)
                    {
                        n = buffer.Aggregate(s.ExpAvg, crit.Aggregation, crit.Weight);
                    }

                    buffer.Offer(stored, priority, t);
                }

                if (_c.Adafactor is { } ada)
                {
                    // [Adafactor] replaces steps 10–16.
                    p = s.Adafactor!.Step(ada, p, d, t);
                }
                else
                {
                    p = PreconditionAndUpdate(s, p, d, n, t);
                }

                // 17. Priority decay.
                if (buffer is not null)
                {
                    buffer.DecayPriorities(crit!.Decay);
                }

                Params[i] = p;
            }
        }

        // Steps 10–16.
        private double[] PreconditionAndUpdate(ParamState s, double[] p, double[] d, double[]? n, long t)
        {
            double[] x = _c.Critical is { FeedsSecondMoment: true } ? n! : d;
            double[]? radicand = null;

            // 10. Second moment (+ centered); 13. AMSGrad.
            if (_c.SecondMoment is { } sm)
            {
                s.ExpAvgSq = V.Ema(s.ExpAvgSq, sm.Beta, V.Square(x));
                double[] v = s.ExpAvgSq;
                if (_c.AmsGrad)
                {
                    s.MaxExpAvgSq = V.Max(s.MaxExpAvgSq, s.ExpAvgSq);
                    v = s.MaxExpAvgSq;
                }

                if (sm.Centered)
                {
                    s.GradAvg = V.Ema(s.GradAvg, sm.Beta, x);
                    v = V.Sub(v, V.Square(s.GradAvg));
                }

                radicand = v;
            }

            // 11. Accumulator.
            if (_c.Accumulator is not null)
            {
                s.Sum = V.Add(s.Sum, V.Square(d));
                radicand = s.Sum;
            }

            // 12. SM3.
            if (_c.Sm3Beta is { } sm3Beta)
            {
                radicand = s.Sm3!.Update(x, sm3Beta);
            }

            // 14. Denominator.
            double[]? denominator = null;
            if (radicand is not null)
            {
                double eps = _c.Epsilon?.Value ?? 0.0;
                if (_c.Epsilon is { Placement: EpsilonPlacement.InsideSqrt })
                {
                    // DSL.md: D = sqrt(v + eps); it names the division by sqrt(1 − β₂ᵗ) only in the OutsideSqrt clause.
                    // The generated code divides sqrt(v + eps) by sqrt(1 − β₂ᵗ) with [BiasCorrection] in this placement
                    // too; reported as a documentation gap, and the reference follows that reading.
                    denominator = radicand.Select(r => Math.Sqrt(r + eps)).ToArray();
                    if (_c.BiasCorrection && _c.SecondMoment is { } second)
                    {
                        denominator = V.Scale(denominator, 1.0 / Math.Sqrt(1 - Math.Pow(second.Beta, t)));
                    }
                }
                else
                {
                    double[] root = V.Sqrt(radicand);
                    if (_c.BiasCorrection && _c.SecondMoment is { } second)
                    {
                        root = V.Scale(root, 1.0 / Math.Sqrt(1 - Math.Pow(second.Beta, t)));
                    }

                    denominator = root.Select(r => r + eps).ToArray();
                }
            }

            // 15. Step size.
            bool firstMomentOnGradients = _c.FirstMoment is { Input: MomentInput.Gradient };
            double alpha = _c.Lr;
            if (_c.BiasCorrection && firstMomentOnGradients)
            {
                alpha /= 1 - Math.Pow(_c.FirstMoment!.Beta, t);
            }

            if (_c.LrDecay is { } lrDecay)
            {
                alpha /= 1 + (t - 1) * lrDecay;
            }

            // 16. Update.
            double[] numerator = firstMomentOnGradients ? n! : d;
            double[] u = denominator is null ? numerator : V.Div(numerator, denominator);
            if (_c.Momentum is { Input: MomentInput.Preconditioned } pm)
            {
                if (pm.Value > 0)
                {
                    s.PreconditionedMomentum = V.AddScaled(V.Scale(s.PreconditionedMomentum, pm.Value), 1.0, u);
                    return V.AddScaled(p, -alpha, s.PreconditionedMomentum);
                }

                return V.AddScaled(p, -alpha, u);
            }

            if (_c.FirstMoment is { Input: MomentInput.Preconditioned } pf)
            {
                s.PreconditionedFirstMoment = V.Ema(s.PreconditionedFirstMoment, pf.Beta, u);
                return V.AddScaled(p, -alpha, s.PreconditionedFirstMoment);
            }

            return V.AddScaled(p, -alpha, u);
        }

        private sealed class ParamState
        {
            public ParamState(RefConfig c, int[] shape)
            {
                int numel = RefTensor.Numel(shape);
                ExpAvg = V.Zeros(numel);
                ExpAvgSq = V.Zeros(numel);
                GradAvg = V.Zeros(numel);
                MaxExpAvgSq = V.Zeros(numel);
                Sum = V.Fill(numel, c.Accumulator ?? 0.0);
                PreconditionedMomentum = V.Zeros(numel);
                PreconditionedFirstMoment = V.Zeros(numel);
                Sm3 = c.Sm3Beta is null ? null : new Sm3Reference(shape);
                Adafactor = c.Adafactor is null ? null : new AdafactorReference(shape);
                if (c.Critical is { Active: true } crit)
                {
                    Buffer = crit.Structure == CriticalBufferStructure.Heap
                        ? new RefHeapBuffer(crit.TopC)
                        : new RefSlotBuffer(crit.TopC, crit.CriticalTest);
                }
            }

            public long Step;
            public double[]? MomentumBuffer;
            public double[] ExpAvg;
            public double[] ExpAvgSq;
            public double[] GradAvg;
            public double[] MaxExpAvgSq;
            public double[] Sum;
            public double[] PreconditionedMomentum;
            public double[] PreconditionedFirstMoment;
            public readonly Sm3Reference? Sm3;
            public readonly AdafactorReference? Adafactor;
            public readonly RefCriticalBuffer? Buffer;
        }
    }
}
