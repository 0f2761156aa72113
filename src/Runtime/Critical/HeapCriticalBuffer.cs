using System;
using System.Collections.Generic;
using System.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace OptimDsl.Runtime;

/// <summary>
/// CGOptimizer <c>optim.py</c>'s <c>PriorityDict</c>, reproduced exactly: the heap list lives on the host as
/// (priority, slot) pairs, the values in preallocated slots of one <c>[C, *shape]</c> tensor.
/// <list type="bullet">
/// <item>insert = append; drop every entry whose priority is not <c>&gt;= 0</c> (NaN); CPython's <c>heapq.heapify</c>
/// (bottom-up <c>_siftup</c>/<c>_siftdown</c>, same tie behaviour); if the list holds C or more entries keep the LAST C
/// (this evicts list index 0, the true minimum, and the evicted slot is reused by the new entry);</item>
/// <item>admission on a full list: only if <c>priority &gt; list[0].priority</c>. After a trim the list is generally not a heap
/// any more, so <c>list[0]</c> can be a STALE minimum (ALGORITHMS.md 1.3 A / 7.5); that quirk is kept;</item>
/// <item>decay multiplies every priority and keeps the list order; mean and sum run over the list in list order.</item>
/// </list>
/// Priorities are host doubles: one host read per parameter group per step happens in <see cref="CriticalPriority.OnHost"/>.
/// </summary>
internal sealed class HeapCriticalBuffer : CriticalStore
{
    private const int StateMagic = 0x48454150; // "HEAP"

    private struct Entry
    {
        public double P;
        public int Slot;
        public long InsertStep;
    }

    private List<Entry> _heap = new List<Entry>();
    private Tensor _values;

    /// <summary>The values tensor; priorities and heap order live on the host.</summary>
    public override long StateBytes => BytesOf(_values);

    public HeapCriticalBuffer(int capacity, long[] shape, ScalarType sumDtype, ScalarType valueDtype, Device device)
        : base(capacity, shape, sumDtype, valueDtype, device)
    {
        _values = zeros(StorageShape(), dtype: valueDtype, device: device).DetachFromDisposeScope();
    }

    public override Tensor Values => _values;

    public override Tensor Aggregate(Tensor x, AggregationRule rule, double kappa)
    {
        int n = _heap.Count;
        if (n == 0)
        {
            return x.clone();
        }

        // PriorityDict.gradSum()/gradMean(): clone(heap[0].t) + heap[1].t + ... in list order (then / count).
        var acc = _values[_heap[0].Slot].to(x.dtype, copy: true);
        for (int i = 1; i < n; i++)
        {
            var v = _values[_heap[i].Slot];
            acc.add_(v.dtype == acc.dtype ? v : v.to(acc.dtype));
        }

        switch (rule)
        {
            case AggregationRule.Sum:
                acc.div_((double)n).mul_(kappa);
                return x.add(acc);
            case AggregationRule.Mid:
                acc.div_((double)n).mul_(kappa);
                return x.add(acc).mul_(0.5);
            case AggregationRule.Mean:
                acc.mul_(kappa);
                return x.add(acc).div_(n + 1);
            case AggregationRule.BufferMeanOnly:
                return acc.div_((double)n);
            default:
                throw new ArgumentOutOfRangeException(nameof(rule), rule, "Unknown aggregation rule.");
        }
    }

    public override void Offer(Tensor x, double priority, long step)
    {
        // optim.py: if full, insert only if norm > pokeSmallest() (= list[0].p, possibly stale); else always insert.
        if (_heap.Count >= Capacity && !(priority > _heap[0].P))
        {
            return;
        }

        Insert(x, priority, step);
    }

    public override void Offer(Tensor x, Tensor priority, double criticalTest, long step)
    {
        if (criticalTest > 0.0)
        {
            throw new NotSupportedException("Random replacement (critical_test) is only defined for the Slots buffer structure.");
        }

        double p;
        using (NewDisposeScope())
        {
            p = priority.to(ScalarType.Float64).cpu().item<double>();
        }

        Offer(x, p, step);
    }

    /// <summary><c>PriorityDict.__setitem__</c>: append, filter, heapify, trim.</summary>
    private void Insert(Tensor x, double priority, long step)
    {
        var list = new List<Entry>(_heap.Count + 1);
        foreach (var e in _heap)
        {
            if (e.P >= 0.0)
            {
                list.Add(e);
            }
        }

        if (priority >= 0.0)
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

        var used = new bool[Capacity];
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

        if (newIndex >= 0)
        {
            int slot = Array.IndexOf(used, false);
            var e = list[newIndex];
            e.Slot = slot;
            list[newIndex] = e;
            used[slot] = true;
            _values[slot].copy_(x);
        }

        // Entries that left the list (evicted or filtered) and whose slot was not reused: zero their slot.
        foreach (var e in _heap)
        {
            if (!used[e.Slot])
            {
                _values[e.Slot].zero_();
                used[e.Slot] = true;
            }
        }

        _heap = list;
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
        var kept = new List<Entry>(_heap.Count);
        foreach (var e in _heap)
        {
            if (stepsSeen - e.InsertStep + 1 > maxAge)
            {
                _values[e.Slot].zero_();
                removed = true;
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
        }
    }

    public override double[] Priorities()
    {
        var result = new double[_heap.Count];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = _heap[i].P;
        }

        return result;
    }

    public override int[] Slots()
    {
        var result = new int[_heap.Count];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = _heap[i].Slot;
        }

        return result;
    }

    public override int Count() => _heap.Count;

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
    }

    public override void Load(BinaryReader reader)
    {
        if (reader.ReadInt32() != StateMagic)
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

            list.Add(e);
        }

        var values = CriticalTensorIO.ReadTensor(reader, Device)
            ?? throw new InvalidDataException("Corrupt critical buffer state: values missing.");
        if (!Shapes.Equal(values.shape, StorageShape()) || values.dtype != valueDtype)
        {
            values.Dispose();
            throw new InvalidDataException("Corrupt critical buffer state: values have the wrong shape or dtype.");
        }

        _values.Dispose();
        _values = values;
        _heap = list;
        SumDtype = sumDtype;
        ValueDtype = valueDtype;
    }

    public override void CopyFrom(CriticalStore source)
    {
        var s = (HeapCriticalBuffer)source;
        Replace(ref _values, s._values, Device);
        _heap = new List<Entry>(s._heap);
        SumDtype = s.SumDtype;
        ValueDtype = s.ValueDtype;
    }

    public override void MoveTo(Device device)
    {
        _values = Move(_values, device);
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

        return StateTensors.Close(_values, o._values);
    }

    public override void Dispose() => _values.Dispose();

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
