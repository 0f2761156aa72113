using System.Collections.Generic;
using OptimDsl.Generator.Model;

namespace OptimDsl.Generator.Lowering
{
    /// <summary>
    /// The statements the critical buffer's entry depends on: the step up to its offer (<see cref="CriticalOffer"/>, and the
    /// seed of a <see cref="CriticalSeedOnly"/> first step), keeping only what computes the offered values. The fused back
    /// end's reduction pass renders this slice to learn, before any state changes, whether the entry the element-wise pass
    /// will offer is finite — without loading operands the entry does not read (e.g. a parameter under decoupled weight decay).
    /// Pure.
    /// </summary>
    internal static class EntrySlice
    {
        /// <summary>The sliced statements, ending with the offer (or the seed-only step that contains it); empty without a buffer.</summary>
        public static IReadOnlyList<Statement> Of(IReadOnlyList<Statement> statements)
        {
            int offer = -1;
            for (int i = 0; i < statements.Count; i++)
            {
                if (statements[i] is CriticalOffer)
                {
                    offer = i;
                    break;
                }
            }

            if (offer < 0)
            {
                return System.Array.Empty<Statement>();
            }

            var offered = (CriticalOffer)statements[offer];
            var needed = new HashSet<string> { offered.Source, offered.Seed };
            var kept = new List<Statement> { offered };
            for (int i = offer - 1; i >= 0; i--)
            {
                if (statements[i] is CriticalSeedOnly seed)
                {
                    needed.Add(seed.Seed);
                    kept.Insert(0, seed);
                    continue;
                }

                if (Slice(statements[i], needed) is { } statement)
                {
                    kept.Insert(0, statement);
                }
            }

            return kept;
        }

        /// <summary>
        /// Whether the entry a slice (<see cref="Of"/>) offers is the gradient itself, up to its sign: then it is finite
        /// exactly when the gradient is, which the gradient's sum of squares — the priority norm — already tells (a
        /// non-finite norm is refused), so the reduction pass needs no finiteness flags of its own.
        /// </summary>
        public static bool OffersGradient(IReadOnlyList<Statement> slice)
        {
            var gradientValued = new HashSet<string> { StepOperands.Gradient };
            foreach (Statement statement in slice)
            {
                switch (statement)
                {
                    case Define d:
                        Track(gradientValued, d.Local, d.Value);
                        break;
                    case Assign a:
                        Track(gradientValued, a.Local, a.Value);
                        break;
                    case CriticalSeedOnly seed when gradientValued.Contains(seed.Seed):
                        break;
                    case CriticalOffer offer:
                        return gradientValued.Contains(offer.Source) && gradientValued.Contains(offer.Seed);
                    default:
                        // A store, a branch, a seed that is not the gradient: not followed.
                        return false;
                }
            }

            return false;
        }

        private static void Track(HashSet<string> gradientValued, string local, Expr value)
        {
            if (IsGradientValued(value, gradientValued))
            {
                gradientValued.Add(local);
            }
            else
            {
                gradientValued.Remove(local);
            }
        }

        // ±gradient, possibly chosen by a whole-tensor condition (maximize).
        private static bool IsGradientValued(Expr e, HashSet<string> gradientValued) => e switch
        {
            ValueRef r => gradientValued.Contains(r.Name),
            Negate n => IsGradientValued(n.Value, gradientValued),
            Choose c => IsGradientValued(c.WhenTrue, gradientValued) && IsGradientValued(c.WhenFalse, gradientValued),
            _ => false,
        };

        // The part of one statement that writes a needed value (null: none), adding what it reads to the needed values.
        private static Statement? Slice(Statement statement, HashSet<string> needed)
        {
            switch (statement)
            {
                case Define d when needed.Contains(d.Local):
                    Reads(d.Value, needed);
                    return d;
                case Assign a when needed.Contains(a.Local):
                    Reads(a.Value, needed);
                    return a;
                case Store s when needed.Contains(s.Operand):
                    Reads(s.Value, needed);
                    return s;
                case StoreFirstOrUpdate f when needed.Contains(f.Operand):
                    Reads(f.First, needed);
                    Reads(f.Update, needed);
                    return f;
                case When w:
                    // The branches are sliced with the values needed after the statement (the names they read join them).
                    var after = new HashSet<string>(needed);
                    List<Statement> then = SliceBlock(w.Then, after, needed);
                    List<Statement> otherwise = SliceBlock(w.Otherwise, after, needed);
                    return then.Count + otherwise.Count == 0 ? null : new When(w.Condition, then.ToEquatableArray(), otherwise.ToEquatableArray());
                default:
                    return null;
            }
        }

        private static List<Statement> SliceBlock(IReadOnlyList<Statement> block, HashSet<string> after, HashSet<string> needed)
        {
            var branchNeeded = new HashSet<string>(after);
            var kept = new List<Statement>();
            for (int i = block.Count - 1; i >= 0; i--)
            {
                if (Slice(block[i], branchNeeded) is { } statement)
                {
                    kept.Insert(0, statement);
                }
            }

            needed.UnionWith(branchNeeded);
            return kept;
        }

        // Adds the operands and locals an expression reads.
        private static void Reads(Expr e, HashSet<string> needed)
        {
            switch (e)
            {
                case ValueRef r:
                    needed.Add(r.Name);
                    break;
                case Negate n:
                    Reads(n.Value, needed);
                    break;
                case SquareRoot q:
                    Reads(q.Value, needed);
                    break;
                case Binary b:
                    Reads(b.Left, needed);
                    Reads(b.Right, needed);
                    break;
                case Maximum m:
                    Reads(m.Left, needed);
                    Reads(m.Right, needed);
                    break;
                case Choose c:
                    Reads(c.WhenTrue, needed);
                    Reads(c.WhenFalse, needed);
                    break;
            }
        }
    }
}
