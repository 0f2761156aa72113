using System;
using System.Collections.Generic;
using System.Linq;

namespace OptimDsl.PropertyTests.Reference
{
    /// <summary>Event counts of reference buffers.</summary>
    public sealed class BufferEvents
    {
        public long Offers;
        public long AdmittedWithRoom;
        public long Evictions;
        public long Rejections;
        public long AgeDrops;
        public long RandomReplacements;

        /// <summary>Heap: rejections against a stale <c>list[0]</c> that the true minimum would have admitted.</summary>
        public long StaleMinimumRejections;

        public void Add(BufferEvents o)
        {
            Offers += o.Offers;
            AdmittedWithRoom += o.AdmittedWithRoom;
            Evictions += o.Evictions;
            Rejections += o.Rejections;
            AgeDrops += o.AgeDrops;
            RandomReplacements += o.RandomReplacements;
            StaleMinimumRejections += o.StaleMinimumRejections;
        }

        public override string ToString() =>
            $"{Offers} offers: {AdmittedWithRoom} admitted with room, {Evictions} evictions, {Rejections} rejections "
            + $"({StaleMinimumRejections} by the heap's stale minimum), {RandomReplacements} random replacements, {AgeDrops} entries dropped by max_age";
    }

    /// <summary>
    /// A critical buffer of one parameter (docs/DSL.md, "The critical buffer"; ALGORITHMS.md §1.3). Ages are counted in
    /// the parameter's own steps: an entry offered at step s has age t − s at step t.
    /// </summary>
    public abstract class RefCriticalBuffer
    {
        protected RefCriticalBuffer(int capacity) => Capacity = capacity;

        /// <summary>What happened in this buffer (diagnostics: shows that a run exercised admission and eviction).</summary>
        public BufferEvents Events { get; } = new();

        public int Capacity { get; }

        /// <summary>True once anything has been offered (admitted or not).</summary>
        public bool HasEverReceived { get; protected set; }

        public abstract int Count { get; }

        /// <summary>Stored priorities, in storage order (heap list order / slot order; free slots left out).</summary>
        public abstract IReadOnlyList<double> Priorities { get; }

        /// <summary>Σ of the stored entries (what <c>mean</c> and <c>ΣB</c> are computed from).</summary>
        public abstract double[] Sum();

        /// <summary>Drops the entries stored more than <paramref name="maxAge"/> steps ago (nothing when maxAge = 0).</summary>
        public abstract void DropOlderThan(int maxAge, long step);

        /// <summary>Offers a copy of <paramref name="x"/> with priority <paramref name="priority"/> at step <paramref name="step"/>.</summary>
        public abstract void Offer(double[] x, double priority, long step);

        /// <summary>Every stored priority ← priority·decay.</summary>
        public abstract void DecayPriorities(double decay);

        /// <summary>
        /// Aggregation of <paramref name="x"/> with the buffer as it is now (before this step's offer); an empty buffer
        /// contributes nothing.
        /// </summary>
        public double[] Aggregate(double[] x, AggregationRule rule, double kappa)
        {
            int n = Count;
            if (n == 0)
            {
                return V.Copy(x);
            }

            double[] sum = Sum();
            return rule switch
            {
                AggregationRule.Sum => V.AddScaled(x, kappa / n, sum),
                AggregationRule.Mid => V.Scale(V.AddScaled(x, kappa / n, sum), 0.5),
                AggregationRule.Mean => V.Scale(V.AddScaled(x, kappa, sum), 1.0 / (n + 1)),
                AggregationRule.BufferMeanOnly => V.Scale(sum, 1.0 / n),
                _ => throw new ArgumentOutOfRangeException(nameof(rule)),
            };
        }
    }

    /// <summary>
    /// CGOptimizer <c>optim.py</c>'s <c>PriorityDict</c>: a Python list kept with <c>heapq.heapify</c>; append, drop NaN
    /// priorities, heapify, keep the last C list entries; admission of a full buffer compares with <c>list[0]</c> (stale
    /// after a trim).
    /// </summary>
    public sealed class RefHeapBuffer : RefCriticalBuffer
    {
        private List<Item> _list = new();

        public RefHeapBuffer(int capacity)
            : base(capacity)
        {
        }

        public override int Count => _list.Count;

        public override IReadOnlyList<double> Priorities => _list.Select(i => i.Priority).ToList();

        public override double[] Sum()
        {
            double[] s = V.Zeros(_list[0].Value.Length);
            foreach (Item item in _list)
            {
                s = V.Add(s, item.Value);
            }

            return s;
        }

        public override void DropOlderThan(int maxAge, long step)
        {
            if (maxAge > 0)
            {
                int before = _list.Count;
                _list = _list.Where(i => step - i.Step <= maxAge).ToList();
                Events.AgeDrops += before - _list.Count;
            }
        }

        public override void Offer(double[] x, double priority, long step)
        {
            HasEverReceived = true;
            Events.Offers++;
            if (_list.Count >= Capacity && !(priority > _list[0].Priority))
            {
                Events.Rejections++;
                if (priority > _list.Min(i => i.Priority))
                {
                    Events.StaleMinimumRejections++;
                }

                return;
            }

            if (_list.Count >= Capacity)
            {
                Events.Evictions++;
            }
            else
            {
                Events.AdmittedWithRoom++;
            }

            _list.Add(new Item(priority, V.Copy(x), step));
            _list = _list.Where(i => i.Priority >= 0.0).ToList();
            if (_list.Count > 0)
            {
                Heapify(_list);
                if (_list.Count >= Capacity)
                {
                    _list = _list.Skip(_list.Count - Capacity).ToList();
                }
            }
        }

        public override void DecayPriorities(double decay) =>
            _list = _list.Select(i => i with { Priority = decay * i.Priority }).ToList();

        /// <summary>CPython's <c>heapq.heapify</c> (Lib/heapq.py: <c>_siftup</c>/<c>_siftdown</c>), comparing with &lt; on priorities.</summary>
        public static void Heapify<T>(List<T> x, Func<T, T, bool> less)
        {
            int n = x.Count;
            for (int i = n / 2 - 1; i >= 0; i--)
            {
                SiftUp(x, i, less);
            }
        }

        private static void Heapify(List<Item> x) => Heapify(x, (a, b) => a.Priority < b.Priority);

        private static void SiftUp<T>(List<T> heap, int pos, Func<T, T, bool> less)
        {
            int endPos = heap.Count;
            int startPos = pos;
            T newItem = heap[pos];
            int childPos = 2 * pos + 1;
            while (childPos < endPos)
            {
                int rightPos = childPos + 1;
                if (rightPos < endPos && !less(heap[childPos], heap[rightPos]))
                {
                    childPos = rightPos;
                }

                heap[pos] = heap[childPos];
                pos = childPos;
                childPos = 2 * pos + 1;
            }

            heap[pos] = newItem;
            SiftDown(heap, startPos, pos, less);
        }

        private static void SiftDown<T>(List<T> heap, int startPos, int pos, Func<T, T, bool> less)
        {
            T newItem = heap[pos];
            while (pos > startPos)
            {
                int parentPos = (pos - 1) >> 1;
                T parent = heap[parentPos];
                if (less(newItem, parent))
                {
                    heap[pos] = parent;
                    pos = parentPos;
                    continue;
                }

                break;
            }

            heap[pos] = newItem;
        }

        private sealed record Item(double Priority, double[] Value, long Step);
    }

    /// <summary>
    /// The slot buffer (CGOptimizer <c>optim_eff.py</c>'s / CMOptimizer's <c>TensorList</c>): C slots, a running sum
    /// (sum −= old; sum += new), admission of a full buffer against the first argmin of the priorities, and
    /// CMOptimizer's random replacement (<c>critical_test</c>: only 0 and 1 are deterministic and supported here).
    /// A slot freed by <c>max_age</c> is reused as the lowest free slot.
    /// </summary>
    public sealed class RefSlotBuffer : RefCriticalBuffer
    {
        private readonly double[] _priority;
        private readonly double[]?[] _value;
        private readonly long[] _stepStored;
        private readonly double _criticalTest;
        private double[]? _sum;
        private int _lastMinimumSlot;

        public RefSlotBuffer(int capacity, double criticalTest)
            : base(capacity)
        {
            if (criticalTest != 0 && criticalTest != 1)
            {
                throw new NotSupportedException("the reference supports critical_test ∈ {0, 1} only (other values draw random numbers)");
            }

            _priority = new double[capacity];
            _value = new double[capacity][];
            _stepStored = new long[capacity];
            _criticalTest = criticalTest;
        }

        public override int Count => _value.Count(v => v is not null);

        public override IReadOnlyList<double> Priorities =>
            Enumerable.Range(0, Capacity).Where(i => _value[i] is not null).Select(i => _priority[i]).ToList();

        public override double[] Sum() => V.Copy(_sum!);

        public override void DropOlderThan(int maxAge, long step)
        {
            if (maxAge <= 0)
            {
                return;
            }

            for (int i = 0; i < Capacity; i++)
            {
                if (_value[i] is { } old && step - _stepStored[i] > maxAge)
                {
                    Events.AgeDrops++;
                    _sum = V.Sub(_sum!, old);
                    _value[i] = null;
                }
            }
        }

        public override void Offer(double[] x, double priority, long step)
        {
            HasEverReceived = true;
            Events.Offers++;
            _sum ??= V.Zeros(x.Length);
            int slot;
            if (Count < Capacity)
            {
                slot = Array.FindIndex(_value, v => v is null);
                Events.AdmittedWithRoom++;
            }
            else if (_criticalTest == 1)
            {
                // The priority test is skipped: overwrite the slot found by the last minimum search (initially 0).
                slot = _lastMinimumSlot;
                Events.RandomReplacements++;
            }
            else
            {
                int s = 0;
                for (int i = 1; i < Capacity; i++)
                {
                    if (_priority[i] < _priority[s])
                    {
                        s = i;
                    }
                }

                _lastMinimumSlot = s;
                if (!(priority > _priority[s]))
                {
                    Events.Rejections++;
                    return;
                }

                slot = s;
                Events.Evictions++;
            }

            if (_value[slot] is { } old)
            {
                _sum = V.Sub(_sum, old);
            }

            _value[slot] = V.Copy(x);
            _priority[slot] = priority;
            _stepStored[slot] = step;
            _sum = V.Add(_sum, x);
        }

        public override void DecayPriorities(double decay)
        {
            for (int i = 0; i < Capacity; i++)
            {
                _priority[i] *= decay;
            }
        }
    }
}
