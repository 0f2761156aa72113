using System;
using TorchSharp;
using static TorchSharp.torch;

namespace OptimDsl.Runtime
{
    /// <summary>
    /// The slot structure's decisions taken on the host, for a buffer of float32/float64 values on the CPU: the same rules as
    /// the device-side decisions of SlotCriticalBuffer.cs, bit for bit (argmin = first minimum, or the first NaN; comparisons,
    /// finiteness and decay in the keys' dtype; random draws at the same points; the same bookkeeping tensors), with the
    /// keys, insert steps, occupancy and counts read and written through their memory.
    /// </summary>
    internal sealed partial class SlotCriticalBuffer
    {
        // What the host decisions read and write of each tensor, read from libtorch once per tensor (see CachedTensorMemory).
        private CachedTensorMemory _valuesMemory;
        private CachedTensorMemory _sumMemory;
        private CachedTensorMemory _keysMemory;
        private CachedTensorMemory _smallestMemory;
        private CachedTensorMemory _insertStepMemory;
        private CachedTensorMemory _occupiedMemory;
        private CachedTensorMemory _countMemory;

        /// <summary>For tests: take the device-side decisions even on the CPU.</summary>
        internal bool ForceDeviceDecisions { get; set; }

        /// <summary>Whether decisions are taken on the host: a CPU buffer whose sums and keys are float32/float64.</summary>
        private bool DecidesOnHost =>
            !ForceDeviceDecisions
            && Device.type == DeviceType.CPU
            && HostKernels.Takes(SumDtype)
            && (_keys is null || HostKernels.Takes(_keysMemory.Dtype(_keys)));

        public override void PlanOffer(double priority, double criticalTest, long step, ref CriticalKernelOperands operands)
        {
            EnsureDeviceMode();
            if (!DecidesOnHost || !OnHostMemory)
            {
                throw new InvalidOperationException("A fused kernel needs a critical buffer of float32/float64 values on the CPU.");
            }

            Decision d = DecideOnHost(priority, criticalTest, step, values: null);
            operands.Count = d.CountBefore;
            operands.Sum = _sumMemory.Address(_sum);
            if (d.Admitted)
            {
                operands.Admits = true;
                operands.Replaces = d.WasOccupied;
                operands.Target = _valuesMemory.ElementAddress(_values, d.Slot * EntryElements());
            }
        }

        public override void CompleteOffer()
        {
        }

        /// <summary>A decided offer: the receiving slot, whether it is admitted, whether the slot held an entry, and the count before.</summary>
        private readonly record struct Decision(int Slot, bool Admitted, bool WasOccupied, int CountBefore);

        /// <summary>
        /// The device formulas of <see cref="Aggregate"/> with the count read from memory: a copy of x for an empty buffer,
        /// otherwise the same tensor operations (so the same bits) without the final selection.
        /// </summary>
        private Tensor AggregateOnHost(Tensor x, AggregationRule rule, double kappa) =>
            _countMemory.Elements<long>(_deviceCount!)[0] == 0 ? x.clone() : Formula(x, rule, kappa);

        /// <summary>Decides on the host, then writes the running sum and the slot with tensor operations.</summary>
        private void OfferDecidedOnHost(Tensor x, OfferPriority priority, double criticalTest, long step)
        {
            Decision d = DecideOnHost(priority.ToHost(), criticalTest, step, x);
            if (!d.Admitted)
            {
                return;
            }

            Tensor slot = _values[d.Slot];
            Tensor newValue = x.to(ValueDtype);
            if (d.WasOccupied)
            {
                _sum.sub_(slot.dtype == _sum.dtype ? slot : slot.to(_sum.dtype));
            }

            _sum.add_(newValue.dtype == _sum.dtype ? newValue : newValue.to(_sum.dtype), alpha: Scalars.One);
            slot.copy_(newValue);
        }

        /// <param name="priority">The priority (NaN refuses the offer).</param>
        /// <param name="criticalTest">The random-replacement probability.</param>
        /// <param name="step">The offer's step number.</param>
        /// <param name="values">The entry, read (only if the offer would otherwise be admitted) for the non-finite policy; null
        /// when the caller has checked it (the fused path).</param>
        private Decision DecideOnHost(double priority, double criticalTest, long step, Tensor? values)
        {
            Tensor keys = EnsureKeys(SumDtype);
            return _keysMemory.Dtype(keys) == ScalarType.Float32
                ? DecideOnHost(_keysMemory.Elements<float>(keys), (float)priority, criticalTest, step, values)
                : DecideOnHost(_keysMemory.Elements<double>(keys), priority, criticalTest, step, values);
        }

        private Decision DecideOnHost<T>(Span<T> keys, T priority, double criticalTest, long step, Tensor? values)
            where T : unmanaged, System.Numerics.IBinaryFloatingPointIeee754<T>
        {
            Span<long> insertStep = _insertStepMemory.Elements<long>(_insertStep);
            Span<long> smallest = _smallestMemory.Elements<long>(_smallest);
            Span<byte> occupied = _occupiedMemory.Elements<byte>(_occupied!);
            Span<long> count = _countMemory.Elements<long>(_deviceCount!);

            // As on the device: the draw happens on every offer that can find the buffer full and is used only if it is.
            int before = (int)count[0];
            bool full = before == Capacity;
            bool random = Draws(step) && _rng.NextDouble() < criticalTest;
            int firstFree = Math.Max(0, occupied.IndexOf((byte)0));
            int fullTarget;
            bool admitWhenFull;
            if (random)
            {
                fullTarget = (int)smallest[0];
                admitWhenFull = true;
            }
            else
            {
                int min = ArgMin(keys);
                if (full)
                {
                    smallest[0] = min;
                }

                fullTarget = min;
                admitWhenFull = priority > keys[min];
            }

            int target = full ? fullTarget : firstFree;
            bool wasOccupied = occupied[target] != 0;

            // The non-finite policy; the values are read only for an offer that would be admitted.
            bool admitted = (!full || admitWhenFull) && T.IsFinite(priority) && (values is null || Finiteness.AllFinite(values));
            if (admitted)
            {
                keys[target] = priority;
                insertStep[target] = step;
                occupied[target] = 1;
                count[0] = Occupied(occupied);
            }

            return new Decision(target, admitted, wasOccupied, before);
        }

        private void DecayOnHost(double decay)
        {
            if (_keys is null)
            {
                return;
            }

            if (_keysMemory.Dtype(_keys) == ScalarType.Float32)
            {
                Span<float> keys = _keysMemory.Elements<float>(_keys);
                float factor = (float)decay;
                for (int i = 0; i < keys.Length; i++)
                {
                    keys[i] *= factor;
                }
            }
            else
            {
                Span<double> keys = _keysMemory.Elements<double>(_keys);
                for (int i = 0; i < keys.Length; i++)
                {
                    keys[i] *= decay;
                }
            }
        }

        /// <summary>Drops the entries offered at steps up to <paramref name="threshold"/>, in the order the device-side code does.</summary>
        private void DropOnHost(long threshold)
        {
            Span<long> insertStep = _insertStepMemory.Elements<long>(_insertStep);
            Span<byte> occupied = _occupiedMemory.Elements<byte>(_occupied!);
            if (threshold - _droppedThrough <= 2)
            {
                // Occupied slots have distinct insert steps: each expired step matches at most one slot.
                for (long s = _droppedThrough + 1; s <= threshold; s++)
                {
                    for (int i = 0; i < Capacity; i++)
                    {
                        if (insertStep[i] == s && occupied[i] != 0)
                        {
                            RemoveOnHost(i);
                            break;
                        }
                    }
                }

                return;
            }

            var expired = new bool[Capacity];
            for (int i = 0; i < Capacity; i++)
            {
                expired[i] = insertStep[i] <= threshold && occupied[i] != 0;
            }

            for (int i = 0; i < Capacity; i++)
            {
                if (expired[i])
                {
                    RemoveOnHost(i);
                }
            }
        }

        /// <summary>Empties slot <paramref name="slot"/>: out of the running sum, values and key zeroed, unoccupied.</summary>
        private void RemoveOnHost(int slot)
        {
            if (OnHostMemory)
            {
                nint value = _valuesMemory.ElementAddress(_values, slot * EntryElements());
                HostKernels.Subtract(SumDtype, _sumMemory.Address(_sum), value, EntryElements());
                HostKernels.Zero(ValueDtype, value, EntryElements());
            }
            else
            {
                Tensor old = _values[slot];
                _sum.sub_(old.dtype == _sum.dtype ? old : old.to(_sum.dtype));
                old.zero_();
            }

            if (_keys is not null)
            {
                if (_keysMemory.Dtype(_keys) == ScalarType.Float32)
                {
                    _keysMemory.Elements<float>(_keys)[slot] = 0;
                }
                else
                {
                    _keysMemory.Elements<double>(_keys)[slot] = 0;
                }
            }

            Span<byte> occupied = _occupiedMemory.Elements<byte>(_occupied!);
            occupied[slot] = 0;
            _countMemory.Elements<long>(_deviceCount!)[0] = Occupied(occupied);
        }

        /// <summary>torch.argmin: the first NaN if there is one, else the first minimum.</summary>
        private static int ArgMin<T>(Span<T> keys)
            where T : unmanaged, System.Numerics.IBinaryFloatingPointIeee754<T>
        {
            int best = 0;
            for (int i = 0; i < keys.Length; i++)
            {
                if (T.IsNaN(keys[i]))
                {
                    return i;
                }

                if (keys[i] < keys[best])
                {
                    best = i;
                }
            }

            return best;
        }

        private static int Occupied(Span<byte> occupied)
        {
            int n = 0;
            foreach (byte o in occupied)
            {
                n += o != 0 ? 1 : 0;
            }

            return n;
        }
    }
}
