using System.Collections.Generic;
using OptimDsl.Generator.Model;

namespace OptimDsl.Generator.Emission
{
    /// <summary>A one-line, human readable list of a declaration's blocks for the generated XML docs.</summary>
    internal static class BlockSummary
    {
        public static string Describe(BlockSet b)
        {
            var parts = new List<string>();
            if (b.WeightDecay is { } wd)
            {
                parts.Add(wd.Mode == WeightDecayMode.Decoupled ? "decoupled weight decay" : "L2 weight decay");
            }

            if (b.Maximize is not null)
            {
                parts.Add("maximize");
            }

            if (b.CriticalBuffer is { } c)
            {
                parts.Add((c.Source == CriticalSource.Momentum ? "critical momenta" : "critical gradients")
                    + " (" + (c.Structure == CriticalBufferStructure.Heap ? "heap" : "slot") + " buffer)");
            }

            if (b.Momentum is not null)
            {
                parts.Add("heavy-ball momentum");
            }

            if (b.FirstMoment is not null)
            {
                parts.Add("first moment");
            }

            if (b.SecondMoment is { } s)
            {
                parts.Add(s.Centered ? "second moment (optionally centered)" : "second moment");
            }

            if (b.Accumulator is not null)
            {
                parts.Add("sum of squares");
            }

            if (b.SM3 is not null)
            {
                parts.Add("SM3 cover-set second moment");
            }

            if (b.Adafactor is not null)
            {
                parts.Add("Adafactor (factored second moment, relative step, update clipping)");
            }

            if (b.AmsGrad is not null)
            {
                parts.Add("AMSGrad");
            }

            if (b.BiasCorrection is not null)
            {
                parts.Add("bias correction");
            }

            if (b.LrDecay is not null)
            {
                parts.Add("learning-rate decay");
            }

            if (b.SkipNonFinite is not null)
            {
                parts.Add("skipping steps with non-finite gradients");
            }

            return parts.Count == 0 ? "plain gradient descent" : string.Join(", ", parts);
        }
    }
}
