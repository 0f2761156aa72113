using System;
using System.Collections.Generic;
using System.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace OptimDsl.Runtime
{
    /// <summary>
    /// CGOptimizer <c>optim.py</c>'s <c>PriorityDict</c>, reproduced exactly: the heap list lives on the host as
    /// (priority, slot) pairs, the values in preallocated slots of one <c>[C, *shape]</c> tensor.
    /// <list type="bullet">
    /// <item>insert = append; drop every entry whose priority is not <c>&gt;= 0</c> (NaN), and, unlike the reference, every entry
    /// whose priority is infinite or whose values are not all finite (the non-finite policy of docs/DSL.md: such an offer
    /// behaves as one with a NaN priority); CPython's <c>heapq.heapify</c>
    /// (bottom-up <c>_siftup</c>/<c>_siftdown</c>, same tie behaviour); if the list holds C or more entries keep the LAST C
    /// (this evicts list index 0, the true minimum, and the evicted slot is reused by the new entry);</item>
    /// <item>admission on a full list: only if <c>priority &gt; list[0].priority</c>. After a trim the list is generally not a heap
    /// any more, so <c>list[0]</c> can be a STALE minimum (ALGORITHMS.md 1.3 A / 7.5); that quirk is kept;</item>
    /// <item>decay multiplies every priority and keeps the list order.</item>
    /// </list>
    /// The sum over the stored entries is either recomputed from the list on every aggregation, in list order, as the reference
    /// does (<see cref="CriticalSum.Recompute"/>: no memory beyond the values), or kept as a running sum in the parameter's dtype
    /// (<see cref="CriticalSum.Running"/>: one more parameter-sized tensor, O(1) passes per step instead of O(C)). The running sum
    /// is recomputed exactly, in list order, every <see cref="ResyncEvery"/> changes and whenever an entry offered with an infinite
    /// priority leaves, so float rounding cannot accumulate and an infinite gradient cannot leave a NaN behind.
    /// Priorities are host doubles: one host read per parameter group per step happens in <see cref="CriticalPriority.OnHost"/>.
    /// There is no random replacement (<c>criticalTest</c> is always 0 here: <see cref="CriticalBuffer"/> refuses it for a heap).
    /// </summary>
    internal sealed class HeapCriticalBuffer : CriticalStore
    {
        private const int StateMagic = 0x48454132; // "HEA2": values, then the running sum (or none) and its change count
        private const int StateMagicWithoutSum = 0x48454150; // "HEAP": written before the running sum existed; still readable

        private const int ResyncEvery = CriticalBuffer.RunningSumResyncEvery;

        private struct Entry
        {
            public double P;
            public int Slot;
            public long InsertStep;
        }

        private List<Entry> _heap = new List<Entry>();
        private Tensor _values;
        private Tensor? _sum;           // running sum of the stored values, SumDtype (CriticalSum.Running only)
        private int _changesSinceResync;
        private Tensor?[]? _slotViews;  // values[i] views, created on first use; released whenever _values is replaced
        private nint[]? _entryAddresses; // the entries' addresses in list order (EntryAddresses)
        private Decision? _planned;      // an offer planned for a fused kernel, completed by CompleteOffer
        private List<Entry>? _spareList; // Decide's scratch: the next list, the used slots and the decision, reused every offer
        private bool[]? _usedSlots;
        private Decision? _decision;
        private CachedTensorMemory _valuesMemory; // host memory only: the addresses, read once per tensor
        private CachedTensorMemory _sumMemory;

        /// <summary>The values tensor and, with a running sum, the sum; priorities and heap order live on the host.</summary>
        public override long StateBytes => BytesOf(_values) + BytesOf(_sum);

        public HeapCriticalBuffer(int capacity, long[] shape, ScalarType sumDtype, ScalarType valueDtype, Device device, CriticalSum sum)
            : this(capacity, shape, sumDtype, valueDtype, device, sum, loadTarget: false)
        {
        }

        private HeapCriticalBuffer(int capacity, long[] shape, ScalarType sumDtype, ScalarType valueDtype, Device device, CriticalSum sum, bool loadTarget)
            : base(capacity, shape, sumDtype, valueDtype, device)
        {
            // A load target's tensors are placeholders that Load replaces.
            long[] storage = loadTarget ? new long[] { 0 } : StorageShape();
            _values = zeros(storage, dtype: valueDtype, device: device).DetachFromDisposeScope();
            if (sum == CriticalSum.Running)
            {
                _sum = zeros(loadTarget ? new long[] { 0 } : Shape, dtype: sumDtype, device: device).DetachFromDisposeScope();
            }
        }

        public override CriticalStore CreateLoadTarget() =>
            new HeapCriticalBuffer(Capacity, Shape, SumDtype, ValueDtype, Device, _sum is null ? CriticalSum.Recompute : CriticalSum.Running, loadTarget: true);

        public override Tensor Values => _values;

        public override Tensor Aggregate(Tensor x, AggregationRule rule, double kappa)
        {
            int n = _heap.Count;
            if (n == 0)
            {
                return x.clone();
            }

            if (_sum is not null)
            {
                return AggregationFormulas.Apply(x, _sum, n, rule, kappa, sumIsScratch: false);
            }

            // PriorityDict.gradSum()/gradMean(): clone(heap[0].t) + heap[1].t + ... in list order (then / count).
            return AggregationFormulas.Apply(x, ListOrderSum(x.dtype), n, rule, kappa, sumIsScratch: true);
        }

        /// <summary>
        /// Aggregate, then offer <paramref name="x"/>. With a running sum, <see cref="AggregationRule.Mean"/> and a weight of 1, an
        /// admitted entry takes four passes: <c>sum += x</c>, <c>d = sum / (n + 1)</c> (bit-identical to <c>(x + sum) / (n + 1)</c>),
        /// <c>sum -= evicted</c>, <c>slot = x</c>.
        /// </summary>
        public override Tensor AggregateAndOffer(Tensor x, AggregationRule rule, double kappa, OfferPriority priority, double criticalTest, long step)
        {
            double p = Effective(priority.ToHost(), x);
            int n = _heap.Count;
            bool fusable = _sum is not null && n > 0 && rule == AggregationRule.Mean && kappa == 1.0 && x.dtype == SumDtype && ValueDtype == SumDtype
                && WouldInsert(p);
            if (!fusable)
            {
                // Aggregate, then offer with the priority already checked (the values are read once).
                var aggregated = Aggregate(x, rule, kappa);
                OfferChecked(x, p, step);
                return aggregated;
            }

            // An entry that passes the admission test is never the one trimmed away: it is larger than list[0], hence not the minimum.
            Decision decision = Decide(p, step)!;
            _sum!.add_(x, alpha: Scalars.One);
            using Scalar entriesPlusOne = n + 1;
            var result = _sum.div(entriesPlusOne);
            Apply(x, decision, sumHoldsNew: true);
            return result;
        }

        /// <summary>True when an offer with this priority would put the entry into the list.</summary>
        private bool WouldInsert(double priority) => Storable(priority) && (_heap.Count < Capacity || priority > _heap[0].P);

        /// <summary>Whether an entry with this priority may stay in the list: finite and <c>&gt;= 0</c> (the reference keeps NaN out).</summary>
        private static bool Storable(double priority) => priority >= 0.0 && !double.IsPositiveInfinity(priority);

        /// <summary>
        /// The priority the decision uses: NaN when the entry would enter the list but its values are not all finite (read on the
        /// host only then: an offer that is refused anyway costs no read).
        /// </summary>
        private double Effective(double priority, Tensor x) => WouldInsert(priority) && !Finiteness.AllFinite(x) ? double.NaN : priority;

        public override void Offer(Tensor x, OfferPriority priority, double criticalTest, long step)
        {
            OfferChecked(x, Effective(priority.ToHost(), x), step);
        }

        // The offer of x with a priority that already accounts for its values.
        private void OfferChecked(Tensor x, double priority, long step)
        {
            if (Decide(priority, step) is { } decision)
            {
                Apply(x, decision, sumHoldsNew: false);
            }
        }

        public override void PlanOffer(double priority, double criticalTest, long step, ref CriticalKernelOperands operands)
        {
            operands.Count = _heap.Count;
            operands.Sum = _sum is null ? 0 : _sumMemory.Address(_sum);
            if (_sum is null && _heap.Count > 0)
            {
                operands.Entries = EntryAddresses();
            }

            _planned = Decide(priority, step);
            if (_planned is { Inserted: true } d)
            {
                operands.Admits = true;
                operands.Target = SlotAddress(d.NewSlot);
                operands.Replaces = d.Replaces;
            }
        }

        public override void CompleteOffer()
        {
            if (_planned is not { } d)
            {
                return;
            }

            _planned = null;
            foreach (int slot in d.OthersLeaving)
            {
                SubtractFromSum(slot);
                ZeroSlot(slot);
            }

            CountChanges(d.Changes, d.ResyncNow);
        }

        /// <summary>
        /// What an offer does to the heap list (<c>PriorityDict.__setitem__</c>: append, filter, heapify, trim), decided on the
        /// host and applied to the list at once; the values and the running sum are left to <see cref="Apply"/> or a fused kernel.
        /// </summary>
        private sealed class Decision
        {
            /// <summary>Whether the entry enters the list.</summary>
            public bool Inserted;

            /// <summary>Its slot (the lowest slot no kept entry uses).</summary>
            public int NewSlot = -1;

            /// <summary>Whether that slot held an entry that leaves.</summary>
            public bool Replaces;

            /// <summary>Slots of the entries that leave, in old list order (the replaced one included).</summary>
            public readonly List<int> Leaving = new();

            /// <summary>Slots of the entries that leave, except the replaced one.</summary>
            public readonly List<int> OthersLeaving = new();

            /// <summary>Changes of the running sum (entries in and out).</summary>
            public int Changes;

            /// <summary>An entry offered with a non-finite priority left: the running sum is recomputed at once.</summary>
            public bool ResyncNow;

            /// <summary>Back to "nothing changes", for the next offer.</summary>
            public Decision Reset()
            {
                Inserted = false;
                NewSlot = -1;
                Replaces = false;
                Leaving.Clear();
                OthersLeaving.Clear();
                Changes = 0;
                ResyncNow = false;
                return this;
            }
        }

        /// <summary>
        /// The reference's offer decision. A full list admits only if <c>priority &gt; list[0]</c> (possibly a stale minimum);
        /// nothing changes otherwise (returns null). An admitted offer appends, drops every entry whose priority is not
        /// <c>&gt;= 0</c> (NaN) or is +∞, heapifies and keeps the last C list entries. An infinite priority counts as NaN.
        /// The decision, the list and the slot flags are reused from offer to offer (one offer per buffer and step, thousands
        /// of buffers in a model of many tensors): a decision is valid until the next call.
        /// </summary>
        private Decision? Decide(double priority, long step)
        {
            // The non-finite policy: an infinite priority is refused exactly as a NaN one (the reference would store +inf).
            priority = double.IsFinite(priority) ? priority : double.NaN;

            // optim.py: if full, insert only if norm > pokeSmallest() (= list[0].p, possibly stale); else always insert.
            if (_heap.Count >= Capacity && !(priority > _heap[0].P))
            {
                return null;
            }

            List<Entry> list = _spareList ??= new List<Entry>(Capacity + 1);
            list.Clear();
            foreach (var e in _heap)
            {
                if (Storable(e.P))
                {
                    list.Add(e);
                }
            }

            if (Storable(priority))
            {
                list.Add(new Entry { P = priority, Slot = -1, InsertStep = step });
            }

            if (list.Count > 0)
            {
                Heapify(list);
                if (list.Count >= Capacity)
                {
                    list.RemoveRange(0, list.Count - Capacity);
                }
            }

            bool[] used = _usedSlots ??= new bool[Capacity];
            Array.Clear(used);
            int newIndex = -1;
            for (int i = 0; i < list.Count; i++)
            {
                if (list[i].Slot < 0)
                {
                    newIndex = i;
                }
                else
                {
                    used[list[i].Slot] = true;
                }
            }

            Decision decision = (_decision ??= new Decision()).Reset();
            foreach (var e in _heap)
            {
                if (!used[e.Slot])
                {
                    decision.ResyncNow |= !IsFinite(e.P);
                    decision.Leaving.Add(e.Slot);
                    decision.Changes++;
                }
            }

            if (newIndex >= 0)
            {
                int slot = Array.IndexOf(used, false);
                var e = list[newIndex];
                e.Slot = slot;
                list[newIndex] = e;
                decision.Inserted = true;
                decision.NewSlot = slot;
                decision.Replaces = decision.Leaving.Contains(slot);
                decision.Changes++;
            }

            foreach (int slot in decision.Leaving)
            {
                if (slot != decision.NewSlot)
                {
                    decision.OthersLeaving.Add(slot);
                }
            }

            _spareList = _heap;
            _heap = list;
            return decision;
        }

        /// <summary>
        /// The element-wise part of a decided offer, with tensor operations: the entries that leave are subtracted from the running
        /// sum (in old list order), the new one is stored and added (unless <paramref name="sumHoldsNew"/>: the caller has added
        /// <paramref name="x"/> already), and the slots left empty are zeroed.
        /// </summary>
        private void Apply(Tensor x, Decision decision, bool sumHoldsNew)
        {
            foreach (int slot in decision.Leaving)
            {
                SubtractFromSum(slot);
            }

            if (decision.Inserted)
            {
                var stored = Slot(decision.NewSlot);
                stored.copy_(x);
                if (_sum is not null && !sumHoldsNew)
                {
                    _sum.add_(stored.dtype == _sum.dtype ? stored : stored.to(_sum.dtype), alpha: Scalars.One);
                }
            }
            else if (_sum is not null && sumHoldsNew)
            {
                _sum.sub_(x);
            }

            foreach (int slot in decision.OthersLeaving)
            {
                ZeroSlot(slot);
            }

            CountChanges(decision.Changes, decision.ResyncNow);
        }

        /// <summary>The view <c>values[slot]</c>, created once (each new view is a native call and a handle).</summary>
        private Tensor Slot(int slot)
        {
            _slotViews ??= new Tensor?[Capacity];
            return _slotViews[slot] ??= _values.select(0, slot).DetachFromDisposeScope();
        }

        /// <summary>
        /// The addresses of the stored entries in list order, the first <c>_heap.Count</c> of the returned array (host memory
        /// only; one array, rewritten by each call).
        /// </summary>
        private nint[] EntryAddresses()
        {
            _entryAddresses ??= new nint[Capacity];
            for (int i = 0; i < _heap.Count; i++)
            {
                _entryAddresses[i] = SlotAddress(_heap[i].Slot);
            }

            return _entryAddresses;
        }

        /// <summary>The address of <c>values[slot]</c> (host memory only).</summary>
        private nint SlotAddress(int slot) => _valuesMemory.ElementAddress(_values, slot * EntryElements());

        private void ReleaseSlotViews()
        {
            if (_slotViews is null)
            {
                return;
            }

            foreach (var view in _slotViews)
            {
                view?.Dispose();
            }

            _slotViews = null;
        }

        private static bool IsFinite(double value) => !double.IsNaN(value) && !double.IsInfinity(value);

        private void SubtractFromSum(int slot)
        {
            if (_sum is null)
            {
                return;
            }

            if (OnHostMemory)
            {
                HostKernels.Subtract(SumDtype, _sumMemory.Address(_sum), SlotAddress(slot), EntryElements());
                return;
            }

            var old = Slot(slot);
            _sum.sub_(old.dtype == _sum.dtype ? old : old.to(_sum.dtype));
        }

        private void ZeroSlot(int slot)
        {
            if (OnHostMemory)
            {
                HostKernels.Zero(ValueDtype, SlotAddress(slot), EntryElements());
            }
            else
            {
                Slot(slot).zero_();
            }
        }

        /// <summary>
        /// Counts changes of the running sum and recomputes it exactly every <see cref="ResyncEvery"/> changes, or at once when an
        /// entry with a non-finite priority (an infinite or overflowing gradient) has left: <c>inf - inf</c> would leave a NaN.
        /// </summary>
        private void CountChanges(int changes, bool resyncNow)
        {
            if (_sum is null)
            {
                return;
            }

            _changesSinceResync += changes;
            if (resyncNow || _changesSinceResync >= ResyncEvery)
            {
                Resync();
            }
        }

        /// <summary>Recomputes the running sum from the list, in list order (the reference's <c>gradSum</c> order).</summary>
        private void Resync()
        {
            if (_sum is null)
            {
                return;
            }

            if (_heap.Count == 0)
            {
                _sum.zero_();
            }
            else if (OnHostMemory)
            {
                HostKernels.SumInOrder(SumDtype, _sumMemory.Address(_sum), EntryAddresses(), _heap.Count, EntryElements());
            }
            else
            {
                using (NewDisposeScope())
                {
                    _sum.copy_(ListOrderSum(_sum.dtype));
                }
            }

            _changesSinceResync = 0;
        }

        /// <summary><c>clone(heap[0].t) + heap[1].t + ...</c> in list order, in <paramref name="dtype"/> (a new tensor).</summary>
        private Tensor ListOrderSum(ScalarType dtype)
        {
            var acc = Slot(_heap[0].Slot).to(dtype, copy: true);
            for (int i = 1; i < _heap.Count; i++)
            {
                var v = Slot(_heap[i].Slot);
                acc.add_(v.dtype == acc.dtype ? v : v.to(acc.dtype), alpha: Scalars.One);
            }

            return acc;
        }

        public override void Decay(double decay)
        {
            for (int i = 0; i < _heap.Count; i++)
            {
                var e = _heap[i];
                e.P = decay * e.P;
                _heap[i] = e;
            }
        }

        public override void DropOlderThan(int maxAge, long stepsSeen)
        {
            if (maxAge <= 0)
            {
                return;
            }

            bool removed = false;
            bool resync = false;
            int changes = 0;
            var kept = new List<Entry>(_heap.Count);
            foreach (var e in _heap)
            {
                if (stepsSeen - e.InsertStep + 1 > maxAge)
                {
                    resync |= !IsFinite(e.P);
                    SubtractFromSum(e.Slot);
                    ZeroSlot(e.Slot);
                    removed = true;
                    changes++;
                }
                else
                {
                    kept.Add(e);
                }
            }

            if (removed)
            {
                // A removal is a structural change of the list; like every insert, it is followed by a heapify
                // (so list[0] is the true minimum again).
                Heapify(kept);
                _heap = kept;
                CountChanges(changes, resync);
            }
        }

        public override CriticalBufferEntry[] Entries(long stepsSeen)
        {
            var result = new CriticalBufferEntry[_heap.Count];
            for (int i = 0; i < result.Length; i++)
            {
                Entry e = _heap[i];
                result[i] = new CriticalBufferEntry(e.Slot, e.P, e.InsertStep, stepsSeen - e.InsertStep);
            }

            return result;
        }

        public override void Save(BinaryWriter writer)
        {
            writer.Write(StateMagic);
            CriticalTensorIO.WriteDtype(writer, SumDtype);
            CriticalTensorIO.WriteDtype(writer, ValueDtype);
            writer.Write(_heap.Count);
            foreach (var e in _heap)
            {
                writer.Write(e.P);
                writer.Write(e.Slot);
                writer.Write(e.InsertStep);
            }

            CriticalTensorIO.WriteTensor(writer, _values);
            CriticalTensorIO.WriteTensor(writer, _sum);
            writer.Write(_changesSinceResync);
        }

        public override void Load(BinaryReader reader)
        {
            int magic = reader.ReadInt32();
            if (magic != StateMagic && magic != StateMagicWithoutSum)
            {
                throw new InvalidDataException("Corrupt critical buffer state: heap marker not found.");
            }

            var sumDtype = CriticalTensorIO.ReadDtype(reader);
            var valueDtype = CriticalTensorIO.ReadDtype(reader);
            int n = reader.ReadInt32();
            if (n < 0 || n > Capacity)
            {
                throw new InvalidDataException("Corrupt critical buffer state: heap size " + n + " exceeds the capacity " + Capacity + ".");
            }

            var list = new List<Entry>(n);
            for (int i = 0; i < n; i++)
            {
                var e = new Entry { P = reader.ReadDouble(), Slot = reader.ReadInt32(), InsertStep = reader.ReadInt64() };
                if (e.Slot < 0 || e.Slot >= Capacity)
                {
                    throw new InvalidDataException("Corrupt critical buffer state: slot " + e.Slot + " out of range.");
                }

                if (list.Exists(other => other.Slot == e.Slot))
                {
                    throw new InvalidDataException("Corrupt critical buffer state: slot " + e.Slot + " holds two entries.");
                }

                list.Add(e);
            }

            var values = CriticalTensorIO.ReadTensor(reader, Device, StorageShape(), "values")
                ?? throw new InvalidDataException("Corrupt critical buffer state: values missing.");
            if (!Shapes.Equal(values.shape, StorageShape()) || values.dtype != valueDtype)
            {
                values.Dispose();
                throw new InvalidDataException("Corrupt critical buffer state: values have the wrong shape or dtype.");
            }

            Tensor? savedSum = null;
            int savedChanges = 0;
            if (magic == StateMagic)
            {
                savedSum = CriticalTensorIO.ReadTensor(reader, Device, Shape, "running sum");
                savedChanges = reader.ReadInt32();
                if (savedSum is not null && (!Shapes.Equal(savedSum.shape, Shape) || savedSum.dtype != sumDtype))
                {
                    savedSum.Dispose();
                    values.Dispose();
                    throw new InvalidDataException("Corrupt critical buffer state: the running sum has the wrong shape or dtype.");
                }
            }

            ReleaseSlotViews();
            _values.Dispose();
            _values = values;
            _heap = list;
            SumDtype = sumDtype;
            ValueDtype = valueDtype;
            if (_sum is null)
            {
                // This buffer recomputes its sum: a saved running sum is derived data and is not needed.
                savedSum?.Dispose();
            }
            else if (savedSum is not null)
            {
                _sum.Dispose();
                _sum = savedSum;
                _changesSinceResync = savedChanges;
            }
            else
            {
                // Saved by a recomputing buffer (or before running sums existed): derive the sum from the values.
                _sum.Dispose();
                _sum = zeros(Shape, dtype: SumDtype, device: Device).DetachFromDisposeScope();
                Resync();
            }
        }

        public override void CopyFrom(CriticalStore source)
        {
            var s = (HeapCriticalBuffer)source;
            ReleaseSlotViews();
            Replace(ref _values, s._values, Device);
            _heap = new List<Entry>(s._heap);
            SumDtype = s.SumDtype;
            ValueDtype = s.ValueDtype;
            if (_sum is not null)
            {
                if (s._sum is not null)
                {
                    Replace(ref _sum, s._sum, Device);
                    _changesSinceResync = s._changesSinceResync;
                }
                else
                {
                    _sum.Dispose();
                    _sum = zeros(Shape, dtype: SumDtype, device: Device).DetachFromDisposeScope();
                    Resync();
                }
            }
        }

        public override void MoveTo(Device device)
        {
            ReleaseSlotViews();
            _values = Move(_values, device);
            if (_sum is not null)
            {
                _sum = Move(_sum, device);
            }

            Device = device;
        }

        public override bool ApproximatelyEquals(CriticalStore other)
        {
            if (other is not HeapCriticalBuffer o || o._heap.Count != _heap.Count || o.ValueDtype != ValueDtype || o.SumDtype != SumDtype)
            {
                return false;
            }

            for (int i = 0; i < _heap.Count; i++)
            {
                var a = _heap[i];
                var b = o._heap[i];
                if (a.Slot != b.Slot || a.InsertStep != b.InsertStep || !CriticalTensorIO.Close(a.P, b.P))
                {
                    return false;
                }
            }

            return StateTensors.Close(_values, o._values)
                && (_sum is null || o._sum is null || StateTensors.Close(_sum, o._sum));
        }

        public override void Dispose()
        {
            ReleaseSlotViews();
            _values.Dispose();
            _sum?.Dispose();
        }

        // ---- CPython Lib/heapq.py (identical to the C accelerator's heapify for these sizes) ----

        private static bool Less(Entry a, Entry b) => a.P < b.P;

        /// <summary><c>heapq.heapify</c>: <c>for i in reversed(range(n // 2)): _siftup(x, i)</c>.</summary>
        internal static void Heapify<T>(List<T> x, Func<T, T, bool> less)
        {
            int n = x.Count;
            for (int i = n / 2 - 1; i >= 0; i--)
            {
                SiftUp(x, i, less);
            }
        }

        private static void Heapify(List<Entry> x) => Heapify(x, Less);

        private static void SiftDown<T>(List<T> heap, int startpos, int pos, Func<T, T, bool> less)
        {
            var newitem = heap[pos];
            while (pos > startpos)
            {
                int parentpos = (pos - 1) >> 1;
                var parent = heap[parentpos];
                if (less(newitem, parent))
                {
                    heap[pos] = parent;
                    pos = parentpos;
                    continue;
                }

                break;
            }

            heap[pos] = newitem;
        }

        private static void SiftUp<T>(List<T> heap, int pos, Func<T, T, bool> less)
        {
            int endpos = heap.Count;
            int startpos = pos;
            var newitem = heap[pos];
            int childpos = 2 * pos + 1;
            while (childpos < endpos)
            {
                int rightpos = childpos + 1;
                if (rightpos < endpos && !less(heap[childpos], heap[rightpos]))
                {
                    childpos = rightpos;
                }

                heap[pos] = heap[childpos];
                pos = childpos;
                childpos = 2 * pos + 1;
            }

            heap[pos] = newitem;
            SiftDown(heap, startpos, pos, less);
        }
    }
}
