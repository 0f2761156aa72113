using System;
using System.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace OptimDsl.Runtime
{
    /// <summary>
    /// The <c>TensorList</c> of CGOptimizer <c>optim_eff.py</c> / CMOptimizer: fixed slots, a running sum, and every admission
    /// decision taken on the device. THIS FILE MUST NOT READ TENSORS ON THE HOST in the step path (Aggregate, Offer,
    /// Decay, DropOlderThan): no <c>item</c>, <c>data</c>, scalar conversions or boolean tests of tensors. A test greps it.
    /// Host reads needed by Save/Load/the testing helpers go through <see cref="CriticalTensorIO"/>.
    /// <list type="bullet">
    /// <item>occupancy (a mask) and the count live on the device: an offer goes to the first free slot while the buffer is not
    /// full (slots fill in order 0..C-1 while nothing leaves); a full buffer computes <c>smallest = argmin(keys)</c> (first
    /// index on ties), admits iff <c>priority &gt; keys[smallest]</c> and overwrites that slot;</item>
    /// <item>an offer whose priority or values are not all finite is refused (the non-finite policy): nothing is written, so no
    /// key, value or running-sum term is ever non-finite, and a refusal while the buffer has room leaves the slot free;</item>
    /// <item>the running sum is updated like the reference (<c>sum += -old; sum += new</c>) and left bit-identical when the
    /// offer is refused; mean = sum / count;</item>
    /// <item>random replacement (CMOptimizer <c>critical_test</c>): a host-side SplitMix64 draw <c>u</c> on every offer that
    /// can find the buffer full (from offer C + 1 on, or on every offer once entries have been dropped by age), used only when
    /// it is full: if <c>u &lt; criticalTest</c> the priority test is skipped and the slot found by the LAST minimum search
    /// (initially 0) is overwritten. While nothing is dropped or refused this is the reference's rule (it draws when full).</item>
    /// </list>
    /// A state saved before occupancy moved to the device (a host count) is converted at its next step.
    /// This file holds the device-side decisions, used when the buffer lives on an accelerator (or the parameter's dtype is a
    /// reduced-precision one). A buffer of float32/float64 values on the CPU takes the same decisions on the host, reading its
    /// bookkeeping tensors' memory directly (SlotCriticalBuffer.Host.cs): on the CPU there is no device to synchronise with.
    /// </summary>
    internal sealed partial class SlotCriticalBuffer : CriticalStore
    {
        private const int StateMagic = 0x534C4F54; // "SLOT"

        private Tensor _values;       // [C, *shape], ValueDtype
        private Tensor _sum;          // [*shape], SumDtype (the parameter's dtype)
        private Tensor? _keys;        // [C], dtype of the first priority tensor (allocated by the first offer)
        private Tensor _smallest;     // 0-dim int64: slot of the last minimum search
        private Tensor _insertStep;   // [C] int64: step number of the offer that wrote each slot
        private Tensor _slotIds;      // [C] int64: 0..C-1 (derived, not saved)
        private int _count;           // host count of a state saved before occupancy moved to the device (until converted)
        private bool _deviceMode;     // occupancy and count on the device (always, once converted)
        private Tensor? _occupied;    // [C] bool (device mode)
        private Tensor? _deviceCount; // 0-dim int64 (device mode)
        private long _droppedThrough; // every entry offered at a step <= this has been dropped
        private SplitMix64 _rng;

        public override long StateBytes =>
            BytesOf(_values) + BytesOf(_sum) + BytesOf(_keys) + BytesOf(_smallest) + BytesOf(_insertStep) + BytesOf(_slotIds)
            + BytesOf(_occupied) + BytesOf(_deviceCount);

        public SlotCriticalBuffer(int capacity, long[] shape, ScalarType sumDtype, ScalarType valueDtype, Device device, ulong seed)
            : this(capacity, shape, sumDtype, valueDtype, device, seed, loadTarget: false)
        {
        }

        private SlotCriticalBuffer(int capacity, long[] shape, ScalarType sumDtype, ScalarType valueDtype, Device device, ulong seed, bool loadTarget)
            : base(capacity, shape, sumDtype, valueDtype, device)
        {
            // A load target's values and sum are placeholders that Load replaces.
            _values = zeros(loadTarget ? new long[] { 0 } : StorageShape(), dtype: valueDtype, device: device).DetachFromDisposeScope();
            _sum = zeros(loadTarget ? new long[] { 0 } : Shape, dtype: sumDtype, device: device).DetachFromDisposeScope();
            _smallest = zeros(Array.Empty<long>(), dtype: ScalarType.Int64, device: device).DetachFromDisposeScope();
            _insertStep = zeros(new long[] { capacity }, dtype: ScalarType.Int64, device: device).DetachFromDisposeScope();
            using (Scalar end = capacity)
            {
                _slotIds = arange(Scalars.Zero, end, Scalars.One, dtype: ScalarType.Int64, device: device).DetachFromDisposeScope();
            }

            _rng = new SplitMix64(seed);
            EnsureDeviceMode();
        }

        public override Tensor Values => _values;

        /// <summary>Whether a random draw is made at offer <paramref name="step"/>: whenever the buffer can be full.</summary>
        private bool Draws(long step) => step > Capacity || _droppedThrough > 0;

        public override Tensor Aggregate(Tensor x, AggregationRule rule, double kappa)
        {
            EnsureDeviceMode();
            if (DecidesOnHost)
            {
                return AggregateOnHost(x, rule, kappa);
            }

            // The count is a device tensor; an empty buffer (everything dropped by age, or nothing admitted yet) yields x.
            using Scalar none = 0L;
            return where(_deviceCount!.gt(none), Formula(x, rule, kappa), x);
        }

        /// <summary>The aggregation rule over the running sum and the device count (clamped to at least 1), a new tensor.</summary>
        private Tensor Formula(Tensor x, AggregationRule rule, double kappa)
        {
            var sd = _sum.dtype == x.dtype ? _sum : _sum.to(x.dtype);
            var count = _deviceCount!.to(x.dtype);
            using Scalar one = 1;
            using Scalar weight = kappa;
            var safeCount = count.clamp_min(one);
            switch (rule)
            {
                case AggregationRule.Sum:
                    return x.add(sd.div(safeCount).mul_(weight), alpha: one);
                case AggregationRule.Mid:
                    using (Scalar half = 0.5)
                    {
                        return x.add(sd.div(safeCount).mul_(weight), alpha: one).mul_(half);
                    }

                case AggregationRule.Mean:
                    return x.add(sd.mul(weight), alpha: one).div_(count.add(one, alpha: one));
                case AggregationRule.BufferMeanOnly:
                    return sd.div(safeCount);
                default:
                    throw new ArgumentOutOfRangeException(nameof(rule), rule, "Unknown aggregation rule.");
            }
        }

        public override void Offer(Tensor x, OfferPriority priority, double criticalTest, long step)
        {
            if (!Shapes.Equal(x.shape, Shape))
            {
                throw new ArgumentException("The offered tensor's shape does not match the buffer's.", nameof(x));
            }

            EnsureDeviceMode();
            if (DecidesOnHost)
            {
                OfferDecidedOnHost(x, priority, criticalTest, step);
                return;
            }

            Tensor p;
            if (priority.Device is { } onDevice)
            {
                p = onDevice;
            }
            else
            {
                using Scalar fill = priority.Value;
                p = full(Array.Empty<long>(), fill, dtype: _keys is not null ? _keys.dtype : SumDtype, device: Device); // a fill, not a copy
            }

            if (p.numel() != 1)
            {
                throw new ArgumentException("The priority must be a one-element tensor.", nameof(priority));
            }

            OfferDecidedOnDevice(x, p, criticalTest, step);
        }

        private void OfferDecidedOnDevice(Tensor x, Tensor priority, double criticalTest, long step)
        {
            var keys = EnsureKeys(priority.dtype);
            var pk = priority.reshape(1);
            if (pk.dtype != keys.dtype || pk.device != keys.device)
            {
                pk = pk.to(keys.dtype, keys.device);
            }

            // Fullness is a device quantity: the draw happens on every offer that can find the buffer full and is used only if it is.
            using Scalar capacity = Capacity;
            var full = _deviceCount!.eq(capacity);
            bool random = Draws(step) && _rng.NextDouble() < criticalTest;
            var firstFree = _occupied!.logical_not().to(ScalarType.Int64).argmax();
            Tensor fullTarget;
            Tensor admitWhenFull;
            if (random)
            {
                fullTarget = _smallest;
                admitWhenFull = ones(Array.Empty<long>(), dtype: ScalarType.Bool, device: Device);
            }
            else
            {
                // A full buffer has every slot occupied, so the plain argmin is the argmin over occupied slots.
                var idx = keys.argmin();
                _smallest.copy_(where(full, idx, _smallest));
                fullTarget = idx;
                admitWhenFull = pk.gt(keys.index_select(0, idx.reshape(1))).reshape(Array.Empty<long>());
            }

            // The non-finite policy: a non-finite priority (in the keys' dtype) or value is never admitted.
            var finite = pk.isfinite().reshape(Array.Empty<long>()).logical_and(x.isfinite().all());
            var target = where(full, fullTarget, firstFree).reshape(1);
            var admitted = full.logical_not().logical_or(admitWhenFull).logical_and(finite);
            var wasOccupied = _occupied!.index_select(0, target).reshape(Array.Empty<long>());
            ReplaceAt(target, pk, x, step, admitted, wasOccupied);
        }

        /// <summary>
        /// Writes x into slot <paramref name="target1"/> (a 1-element int64 tensor) if <paramref name="admit"/> (0-dim bool),
        /// keeping the running sum exactly as the reference: <c>sum += -old</c> (only if the slot was occupied), then
        /// <c>sum += new</c>. A refused offer leaves every bit unchanged.
        /// </summary>
        private void ReplaceAt(Tensor target1, Tensor pk1, Tensor x, long step, Tensor admit, Tensor wasOccupied)
        {
            var keys = _keys!;
            var old = _values.index_select(0, target1);                 // [1, *shape]
            var newValue = x.to(ValueDtype).unsqueeze(0);               // [1, *shape]
            var oldS = old.squeeze(0);
            if (oldS.dtype != _sum.dtype)
            {
                oldS = oldS.to(_sum.dtype);
            }

            var newS = newValue.squeeze(0);
            if (newS.dtype != _sum.dtype)
            {
                newS = newS.to(_sum.dtype);
            }

            var updated = where(wasOccupied, _sum.sub(oldS), _sum).add_(newS, alpha: Scalars.One);
            _sum.copy_(where(admit, updated, _sum));
            _values.index_copy_(0, target1, where(admit, newValue, old));
            keys.index_copy_(0, target1, where(admit, pk1, keys.index_select(0, target1)));
            var mask = _slotIds.eq(target1).logical_and(admit);
            using Scalar stepValue = step;
            _insertStep.masked_fill_(mask, stepValue);
            _occupied!.copy_(_occupied.logical_or(mask));
            _deviceCount!.copy_(_occupied.sum());
        }

        public override void Decay(double decay)
        {
            if (DecidesOnHost)
            {
                DecayOnHost(decay);
            }
            else if (_keys is not null)
            {
                using Scalar factor = decay;
                _keys.mul_(factor);
            }
        }

        public override void DropOlderThan(int maxAge, long stepsSeen)
        {
            if (maxAge <= 0)
            {
                return;
            }

            // Age of an entry offered at step s, at the start of step t+1 (stepsSeen = t): t - s + 1. Drop age > maxAge.
            long threshold = stepsSeen - maxAge;
            if (threshold <= _droppedThrough)
            {
                return; // host-known: nothing can have expired since the last call
            }

            EnsureDeviceMode();
            if (DecidesOnHost)
            {
                DropOnHost(threshold);
                _droppedThrough = threshold;
                return;
            }

            if (threshold - _droppedThrough <= 2)
            {
                // Usual case (called every step with the same maxAge): the entries offered at one or two steps expire.
                // Occupied slots have distinct insert steps, so each step matches at most one slot: O(numel) work.
                for (long s = _droppedThrough + 1; s <= threshold; s++)
                {
                    using Scalar expired = s;
                    var match = _insertStep.eq(expired).logical_and(_occupied!);
                    RemoveWhere(match.to(ScalarType.Int64).argmax().reshape(1), match.any());
                }
            }
            else
            {
                using Scalar last = threshold;
                var expired = _insertStep.le(last).logical_and(_occupied!);
                for (int i = 0; i < Capacity; i++)
                {
                    RemoveWhere(_slotIds.narrow(0, i, 1), expired[i]);
                }
            }

            _droppedThrough = threshold;
        }

        /// <summary>Empties slot <paramref name="slot1"/> (1-element int64) if <paramref name="found"/> (0-dim bool).</summary>
        private void RemoveWhere(Tensor slot1, Tensor found)
        {
            var keys = _keys!;
            var old = _values.index_select(0, slot1);
            var oldS = old.squeeze(0);
            if (oldS.dtype != _sum.dtype)
            {
                oldS = oldS.to(_sum.dtype);
            }

            _sum.copy_(where(found, _sum.sub(oldS), _sum));
            _values.index_copy_(0, slot1, where(found, zeros_like(old), old));
            var oldKey = keys.index_select(0, slot1);
            keys.index_copy_(0, slot1, where(found, zeros_like(oldKey), oldKey));
            var mask = _slotIds.eq(slot1).logical_and(found);
            _occupied!.copy_(_occupied.logical_and(mask.logical_not()));
            _deviceCount!.copy_(_occupied.sum());
        }

        /// <summary>Moves the occupancy and the count to the device (new buffers at once; a state saved with a host count at its next step).</summary>
        private void EnsureDeviceMode()
        {
            if (_deviceMode)
            {
                return;
            }

            using Scalar count = _count;
            _occupied = _slotIds.lt(count).DetachFromDisposeScope();
            _deviceCount = full(Array.Empty<long>(), count, dtype: ScalarType.Int64, device: Device).DetachFromDisposeScope();
            _deviceMode = true;
        }

        private Tensor EnsureKeys(ScalarType dtype)
        {
            if (_keys is null)
            {
                _keys = zeros(new long[] { Capacity }, dtype: dtype, device: Device).DetachFromDisposeScope();
            }

            return _keys;
        }

        // ---------------- host reads: inspecting, saving, comparing ----------------

        public override CriticalBufferEntry[] Entries(long stepsSeen)
        {
            if (_keys is null)
            {
                return Array.Empty<CriticalBufferEntry>();
            }

            var keys = CriticalTensorIO.ReadDoubles(_keys);
            var insertSteps = CriticalTensorIO.ReadLongs(_insertStep);
            var occupied = _deviceMode ? CriticalTensorIO.ReadLongs(_occupied!) : null;

            // A state saved with a host count (before occupancy moved to the device) fills slots 0..count-1.
            bool Stored(int slot) => occupied is null ? slot < _count : occupied[slot] != 0;
            int n = 0;
            for (int slot = 0; slot < Capacity; slot++)
            {
                n += Stored(slot) ? 1 : 0;
            }

            var result = new CriticalBufferEntry[n];
            n = 0;
            for (int slot = 0; slot < Capacity; slot++)
            {
                if (Stored(slot))
                {
                    result[n++] = new CriticalBufferEntry(slot, keys[slot], insertSteps[slot], stepsSeen - insertSteps[slot]);
                }
            }

            return result;
        }

        public override void Save(BinaryWriter writer)
        {
            writer.Write(StateMagic);
            CriticalTensorIO.WriteDtype(writer, SumDtype);
            CriticalTensorIO.WriteDtype(writer, ValueDtype);
            writer.Write(_count);
            writer.Write(_deviceMode);
            writer.Write(_droppedThrough);
            writer.Write(_rng.State);
            CriticalTensorIO.WriteTensor(writer, _values);
            CriticalTensorIO.WriteTensor(writer, _sum);
            CriticalTensorIO.WriteTensor(writer, _keys);
            CriticalTensorIO.WriteTensor(writer, _smallest);
            CriticalTensorIO.WriteTensor(writer, _insertStep);
            CriticalTensorIO.WriteTensor(writer, _deviceMode ? _occupied : null);
            CriticalTensorIO.WriteTensor(writer, _deviceMode ? _deviceCount : null);
        }

        public override void Load(BinaryReader reader)
        {
            if (reader.ReadInt32() != StateMagic)
            {
                throw new InvalidDataException("Corrupt critical buffer state: slot marker not found.");
            }

            var sumDtype = CriticalTensorIO.ReadDtype(reader);
            var valueDtype = CriticalTensorIO.ReadDtype(reader);
            int count = reader.ReadInt32();
            bool deviceMode = reader.ReadBoolean();
            long droppedThrough = reader.ReadInt64();
            ulong rng = reader.ReadUInt64();
            if (count < 0 || count > Capacity)
            {
                throw new InvalidDataException("Corrupt critical buffer state: count " + count + " exceeds the capacity " + Capacity + ".");
            }

            var storage = StorageShape();
            var vector = new long[] { Capacity };
            var scalar = Array.Empty<long>();
            long[][] shapes = { storage, Shape, vector, scalar, vector, vector, scalar };
            string[] names = { "values", "running sum", "keys", "last minimum slot", "insertion steps", "occupancy", "count" };
            var read = new Tensor?[7];
            try
            {
                for (int i = 0; i < read.Length; i++)
                {
                    read[i] = CriticalTensorIO.ReadTensor(reader, Device, shapes[i], names[i]);
                }

                bool ok = read[0] is { } v && v.dtype == valueDtype && Shapes.Equal(v.shape, storage)
                    && read[1] is { } s && s.dtype == sumDtype && Shapes.Equal(s.shape, Shape)
                    && (read[2] is null || Shapes.Equal(read[2]!.shape, vector))
                    && read[3] is { } sm && sm.dtype == ScalarType.Int64 && sm.shape.Length == 0
                    && read[4] is { } st && st.dtype == ScalarType.Int64 && Shapes.Equal(st.shape, vector)
                    && (deviceMode
                        ? read[5] is { } oc && oc.dtype == ScalarType.Bool && Shapes.Equal(oc.shape, vector)
                          && read[6] is { } dc && dc.dtype == ScalarType.Int64 && dc.shape.Length == 0
                        : read[5] is null && read[6] is null);
                if (!ok)
                {
                    throw new InvalidDataException("Corrupt critical buffer state: a slot tensor has the wrong shape or dtype.");
                }
            }
            catch
            {
                foreach (var t in read)
                {
                    t?.Dispose();
                }

                throw;
            }

            DisposeState();
            _values = read[0]!;
            _sum = read[1]!;
            _keys = read[2];
            _smallest = read[3]!;
            _insertStep = read[4]!;
            _occupied = read[5];
            _deviceCount = read[6];
            _count = count;
            _deviceMode = deviceMode;
            _droppedThrough = droppedThrough;
            _rng = new SplitMix64(rng);
            SumDtype = sumDtype;
            ValueDtype = valueDtype;
        }

        public override CriticalStore CreateLoadTarget() => new SlotCriticalBuffer(Capacity, Shape, SumDtype, ValueDtype, Device, 0, loadTarget: true);

        public override void CopyFrom(CriticalStore source)
        {
            var s = (SlotCriticalBuffer)source;
            Replace(ref _values, s._values, Device);
            Replace(ref _sum, s._sum, Device);
            ReplaceNullable(ref _keys, s._keys, Device);
            Replace(ref _smallest, s._smallest, Device);
            Replace(ref _insertStep, s._insertStep, Device);
            ReplaceNullable(ref _occupied, s._occupied, Device);
            ReplaceNullable(ref _deviceCount, s._deviceCount, Device);
            _count = s._count;
            _deviceMode = s._deviceMode;
            _droppedThrough = s._droppedThrough;
            _rng = s._rng;
            SumDtype = s.SumDtype;
            ValueDtype = s.ValueDtype;
        }

        public override void MoveTo(Device device)
        {
            _values = Move(_values, device);
            _sum = Move(_sum, device);
            _smallest = Move(_smallest, device);
            _insertStep = Move(_insertStep, device);
            _slotIds = Move(_slotIds, device);
            if (_keys is not null)
            {
                _keys = Move(_keys, device);
            }

            if (_occupied is not null)
            {
                _occupied = Move(_occupied, device);
            }

            if (_deviceCount is not null)
            {
                _deviceCount = Move(_deviceCount, device);
            }

            Device = device;
        }

        public override bool ApproximatelyEquals(CriticalStore other)
        {
            if (other is not SlotCriticalBuffer o
                || o.SumDtype != SumDtype || o.ValueDtype != ValueDtype
                || o._deviceMode != _deviceMode || o._droppedThrough != _droppedThrough || o._rng.State != _rng.State
                || (!_deviceMode && o._count != _count))
            {
                return false;
            }

            return StateTensors.Close(_values, o._values)
                && StateTensors.Close(_sum, o._sum)
                && StateTensors.Close(_keys, o._keys)
                && StateTensors.Close(_smallest, o._smallest)
                && StateTensors.Close(_insertStep, o._insertStep)
                && StateTensors.Close(_occupied, o._occupied)
                && StateTensors.Close(_deviceCount, o._deviceCount);
        }

        public override void Dispose()
        {
            DisposeState();
            _slotIds.Dispose();
        }

        private void DisposeState()
        {
            _values.Dispose();
            _sum.Dispose();
            _keys?.Dispose();
            _smallest.Dispose();
            _insertStep.Dispose();
            _occupied?.Dispose();
            _deviceCount?.Dispose();
        }
    }
}
