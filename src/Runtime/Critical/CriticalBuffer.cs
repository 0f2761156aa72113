using System;
using System.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace OptimDsl.Runtime
{
    /// <summary>
    /// The per-parameter buffer of Critical Gradients (CG, ICLR 2022) and Critical Momenta (CM, TMLR 2024): up to
    /// <see cref="Capacity"/> stored tensors with priorities, in one of the two published structures
    /// (<see cref="CriticalBufferStructure.Heap"/> = CGOptimizer <c>optim.py</c>'s <c>PriorityDict</c>,
    /// <see cref="CriticalBufferStructure.Slots"/> = the <c>TensorList</c> of <c>optim_eff.py</c> and CMOptimizer).
    /// </summary>
    /// <remarks>
    /// <para>One step, with either back end: <see cref="DropOlderThan"/> (only with a max age); then the offer of this step's
    /// entry, aggregated with the stored ones first, either with tensor operations (<see cref="AggregateAndOffer"/>, or
    /// <see cref="Offer"/> alone on the very first step, when <see cref="HasEverReceived"/> is false) or by a fused CPU kernel
    /// between <see cref="PlanOffer"/> and <see cref="CompleteOffer"/>; then <see cref="DecayPriorities"/>. Admission is decided
    /// on the host, except by the <see cref="CriticalBufferStructure.Slots"/> structure on an accelerator (or with a
    /// reduced-precision parameter), which decides on the device without any host read.</para>
    /// <para>Persistent tensors are detached from any dispose scope; temporaries created by the methods belong to the
    /// caller's dispose scope. Values are allocated on the device of the <c>like</c> tensor.</para>
    /// </remarks>
    public sealed class CriticalBuffer : IDisposable
    {
        private const string Magic = "OptimDsl.CriticalBuffer";
        private const int FormatVersion = 1;

        /// <summary>
        /// A running sum (<see cref="CriticalSum.Running"/>) is recomputed exactly from the stored entries after this many changes
        /// (entries added or removed), so rounding errors of the incremental updates cannot accumulate.
        /// </summary>
        public const int RunningSumResyncEvery = 100;

        private readonly long[] _shape;
        private CriticalStore _store;
        private bool _disposed;

        /// <summary>Creates an empty buffer for a parameter shaped like <paramref name="like"/>.</summary>
        /// <param name="like">The parameter: shape, device and (unless <paramref name="dtype"/> is given) storage dtype.</param>
        /// <param name="capacity">The capacity <c>topC</c> (at least 1).</param>
        /// <param name="structure">Which published buffer semantics to reproduce.</param>
        /// <param name="dtype">Storage dtype of the values (e.g. bfloat16 to halve the memory); null = <c>like.dtype</c>.
        /// Aggregations and the slot buffer's running sum are computed in the parameter's dtype.</param>
        /// <param name="seed">Seed of the host-side generator used by random replacement (<c>criticalTest</c>).</param>
        /// <param name="sum">Heap structure: running sum (default) or recomputation in the reference's order. The Slots structure
        /// always keeps a running sum and ignores it.</param>
        public CriticalBuffer(Tensor like, int capacity, CriticalBufferStructure structure, ScalarType? dtype = null, ulong seed = 0,
            CriticalSum sum = CriticalSum.Running)
        {
            if (like is null)
            {
                throw new ArgumentNullException(nameof(like));
            }

            if (sum != CriticalSum.Running && sum != CriticalSum.Recompute)
            {
                throw new ArgumentOutOfRangeException(nameof(sum), sum, "Unknown critical sum mode.");
            }

            if (capacity < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "The capacity topC must be at least 1.");
            }

            _shape = (long[])like.shape.Clone();
            Capacity = capacity;
            Structure = structure;
            var valueDtype = dtype ?? like.dtype;
            _store = structure switch
            {
                CriticalBufferStructure.Heap => new HeapCriticalBuffer(capacity, _shape, like.dtype, valueDtype, like.device, sum),
                CriticalBufferStructure.Slots => new SlotCriticalBuffer(capacity, _shape, like.dtype, valueDtype, like.device, seed),
                _ => throw new ArgumentOutOfRangeException(nameof(structure), structure, "Unknown buffer structure."),
            };
        }

        // A buffer around a given store (a load target: see ReadStaged).
        private CriticalBuffer(long[] shape, int capacity, CriticalBufferStructure structure, CriticalStore store)
        {
            _shape = shape;
            Capacity = capacity;
            Structure = structure;
            _store = store;
        }

        /// <summary>The capacity <c>topC</c>.</summary>
        public int Capacity { get; }

        /// <summary>The buffer structure (admission and eviction semantics).</summary>
        public CriticalBufferStructure Structure { get; }

        /// <summary>False until the first <c>Offer</c>/<c>Seed</c> (a host flag: no device synchronisation).</summary>
        public bool HasEverReceived { get; private set; }

        /// <summary>Number of <c>Offer</c>/<c>Seed</c> calls so far, admitted or not (a host counter).</summary>
        public long StepsSeen { get; private set; }

        /// <summary>The storage, <c>[Capacity, *like.shape]</c>, in the storage dtype; entries not in use are zero.
        /// Heap: slot order is not heap order (see <see cref="Snapshot"/>). Prefer <see cref="ReadEntry"/> to read an entry: this
        /// is the live storage, which the next step changes in place.</summary>
        public Tensor Values
        {
            get
            {
                ThrowIfDisposed();
                return _store.Values;
            }
        }

        /// <summary>
        /// Bytes of device memory this buffer holds: <c>C × numel × element size</c> of the stored values, plus (slot
        /// structure) the running sum and O(C) priorities and bookkeeping.
        /// </summary>
        public long StateBytes
        {
            get
            {
                ThrowIfDisposed();
                return _store.StateBytes;
            }
        }

        /// <summary>
        /// Whether a fused CPU kernel can do this buffer's element-wise work (<see cref="PlanOffer"/>): its values and running
        /// sum are float32/float64 CPU tensors of the parameter's dtype (not, e.g., bfloat16 storage).
        /// </summary>
        public bool SupportsFusedKernels
        {
            get
            {
                ThrowIfDisposed();
                return _store.OnHostMemory && (_store is not SlotCriticalBuffer slots || !slots.ForceDeviceDecisions);
            }
        }

        /// <summary>For tests: the slot structure takes its device-side decisions even on the CPU.</summary>
        internal bool ForceDeviceDecisions
        {
            get => _store is SlotCriticalBuffer { ForceDeviceDecisions: true };
            set
            {
                if (_store is SlotCriticalBuffer slots)
                {
                    slots.ForceDeviceDecisions = value;
                }
            }
        }

        /// <summary>
        /// Aggregates <paramref name="x"/> with the buffer contents as they are now (call it BEFORE <c>Offer</c> in the same
        /// step). Returns a NEW tensor in x's dtype and device; x is never modified. With B the stored entries:
        /// <see cref="AggregationRule.Sum"/> = <c>x + kappa·mean(B)</c>; <see cref="AggregationRule.Mid"/> =
        /// <c>0.5·(x + kappa·mean(B))</c>; <see cref="AggregationRule.Mean"/> = <c>(x + kappa·sum(B)) / (|B| + 1)</c>;
        /// <see cref="AggregationRule.BufferMeanOnly"/> = <c>mean(B)</c> (kappa unused).
        /// An empty buffer (before the first offer, or everything dropped by <see cref="DropOlderThan"/>) contributes nothing:
        /// every rule, <see cref="AggregationRule.BufferMeanOnly"/> and <see cref="AggregationRule.Mid"/> included, returns a copy of x.
        /// The operation order follows the reference code (Heap: sum in heap-list order, then divide; Slots: running sum / count).
        /// </summary>
        /// <param name="x">The current quantity (gradient or momentum).</param>
        /// <param name="rule">The aggregation rule.</param>
        /// <param name="kappa">Weight of the buffer term (the generated code passes 1.0 for <see cref="KappaUse.Switch"/>).</param>
        public Tensor Aggregate(Tensor x, AggregationRule rule, double kappa)
        {
            ThrowIfDisposed();
            CheckShape(x);
            using (no_grad())
            {
                return _store.Aggregate(x, rule, kappa);
            }
        }

        /// <summary>
        /// Offers a copy of <paramref name="x"/> (cast to the storage dtype). Heap: a full buffer admits it only if
        /// <c>priority &gt; list[0]</c> (possibly a stale minimum, as in the reference); a buffer with room always appends, and
        /// NaN/negative priorities are then filtered out. Slots: while the buffer has room the next free slot is written; once
        /// full the slot of <c>argmin(keys)</c> (first on ties) is overwritten iff <c>priority &gt; keys[argmin]</c>. With
        /// probability <paramref name="criticalTest"/> (a draw of the buffer's seeded host generator, made on every offer that can
        /// find the buffer full — from offer C + 1 on, or on every offer once <see cref="DropOlderThan"/> has had something to
        /// drop — and used only when it is full: exactly the reference's draws while nothing is dropped or refused) the priority
        /// test is skipped and the slot found by the LAST minimum search (initially 0) is overwritten (CMOptimizer's
        /// <c>critical_test</c>; Slots only). Slots keep their keys in the dtype of the first priority offered.
        /// <para>Non-finite policy (both structures, both back ends): an offer whose priority is not finite (NaN, ±∞, also after
        /// rounding to the keys' dtype) or whose values are not all finite is refused — a heap treats it as an offer with a NaN
        /// priority, which the reference filters out, a slot buffer leaves every slot, key and sum as they were (its random draw
        /// and minimum search still happen). The values are read only when the offer would otherwise be admitted (on the host:
        /// the heap on any device, slots on the CPU) or are tested on the device (slots on an accelerator), so no stored entry,
        /// key or running-sum term is ever non-finite.</para>
        /// </summary>
        /// <param name="x">The quantity to store.</param>
        /// <param name="priority">Its priority: a host value, or a one-element tensor (see <see cref="OfferPriority"/>).</param>
        /// <param name="criticalTest">Probability of random replacement (0 = always the priority test).</param>
        public void Offer(Tensor x, OfferPriority priority, double criticalTest = 0.0)
        {
            long step = BeginOffer(x, criticalTest);
            using (no_grad())
            {
                _store.Offer(x, priority, criticalTest, step);
            }
        }

        /// <summary>
        /// <see cref="Aggregate"/> followed by <see cref="Offer"/> of the same tensor, with the same results; the heap
        /// structure with a running sum fuses them for <see cref="AggregationRule.Mean"/> with weight 1.
        /// </summary>
        /// <param name="x">The current quantity: aggregated and offered.</param>
        /// <param name="rule">The aggregation rule.</param>
        /// <param name="kappa">Weight of the buffer term.</param>
        /// <param name="priority">Priority of <paramref name="x"/>.</param>
        /// <param name="criticalTest">Probability of random replacement (Slots only).</param>
        /// <returns>A new tensor, as <see cref="Aggregate"/>.</returns>
        public Tensor AggregateAndOffer(Tensor x, AggregationRule rule, double kappa, OfferPriority priority, double criticalTest = 0.0)
        {
            long step = BeginOffer(x, criticalTest);
            using (no_grad())
            {
                return _store.AggregateAndOffer(x, rule, kappa, priority, criticalTest, step);
            }
        }

        /// <summary>
        /// The fused back end's offer, part 1: decides on the host what the offer of this step's entry does (the same decision
        /// as <see cref="Offer"/>), updates the priorities and bookkeeping, and fills <paramref name="operands"/> with what the
        /// kernel must do to the running sum and the receiving slot (aggregate first, with the entries stored before this
        /// offer). Call <see cref="CompleteOffer"/> after the kernel ran, before any other member. Needs
        /// <see cref="SupportsFusedKernels"/>.
        /// </summary>
        /// <param name="priority">The entry's priority.</param>
        /// <param name="criticalTest">Probability of random replacement (Slots only).</param>
        /// <param name="valuesFinite">Whether every value of the entry is finite: the caller checks them (the fused path's
        /// reduction pass computes the entry without storing it); false refuses the offer exactly as <see cref="Offer"/> refuses
        /// non-finite values.</param>
        /// <param name="operands">Filled in (zeroed first).</param>
        public void PlanOffer(double priority, double criticalTest, bool valuesFinite, ref CriticalKernelOperands operands)
        {
            long step = BeginOffer(null, criticalTest);
            operands = default;
            _store.PlanOffer(valuesFinite ? priority : double.NaN, criticalTest, step, ref operands);
        }

        /// <summary>The fused back end's offer, part 2: finishes what <see cref="PlanOffer"/> decided once the kernel has run.</summary>
        public void CompleteOffer()
        {
            ThrowIfDisposed();
            _store.CompleteOffer();
        }

        /// <summary>Multiplies every stored priority by <paramref name="decay"/> (once per step after the offer, the insertion step included).</summary>
        /// <param name="decay">The decay factor λ.</param>
        public void DecayPriorities(double decay)
        {
            ThrowIfDisposed();

            // Host priorities, or a keys tensor that never requires grad: no autograd mode to switch (a step calls this once
            // per buffer, and switching costs native calls).
            _store.Decay(decay);
        }

        /// <summary>
        /// Drops the entries stored for more than <paramref name="maxAge"/> steps (no-op when <paramref name="maxAge"/> &lt;= 0).
        /// Call it at the START of a step, before <see cref="Aggregate"/>. An entry inserted by the offer of step s has age 1
        /// at the start of step s+1, so with <c>maxAge = D</c> no entry older than D steps is ever aggregated.
        /// Heap: the remaining list is re-heapified after a removal. Slots: the first call that can drop something switches the
        /// buffer to a device-side occupancy mask and count (still no host synchronisation); dropped slots become the first
        /// free slots for later offers. Dropped entries are zeroed.
        /// </summary>
        /// <param name="maxAge">Maximum age in steps (0 = unlimited).</param>
        public void DropOlderThan(int maxAge)
        {
            ThrowIfDisposed();
            if (maxAge <= 0)
            {
                return;
            }

            using (no_grad())
            {
                _store.DropOlderThan(maxAge, StepsSeen);
            }
        }

        /// <summary>
        /// Reads what the buffer holds now: its configuration, counters and, for every stored entry, its slot, priority and the
        /// offer that stored it (see <see cref="CriticalBufferSnapshot.Entries"/> for the order). Nothing changes in the buffer,
        /// and the snapshot does not change with later steps.
        /// </summary>
        /// <remarks>
        /// The bookkeeping is read to the host only when this method is called: on an accelerator the slot structure keeps its
        /// priorities, occupancy and insertion steps on the device, so the call synchronises with it (a few small reads). Call it
        /// between steps, e.g. to log or test, not inside the step. The values are not copied: see <see cref="ReadEntry"/>.
        /// </remarks>
        /// <returns>A new, immutable snapshot.</returns>
        public CriticalBufferSnapshot Snapshot()
        {
            ThrowIfDisposed();
            return new CriticalBufferSnapshot(Structure, Capacity, _shape, _store.ValueDtype, StepsSeen, _store.StateBytes, _store.Entries(StepsSeen));
        }

        /// <summary>
        /// A copy of the values of the entry stored in <paramref name="slot"/> (a <see cref="CriticalBufferEntry.Slot"/> of a
        /// <see cref="Snapshot"/>): a new tensor of the parameter's shape, in the storage dtype, on the buffer's device, which the
        /// caller owns (it joins the caller's dispose scope, if any). Later steps do not change it, and changing it does not
        /// change the buffer.
        /// </summary>
        /// <remarks>Checks that the slot holds an entry, which reads the bookkeeping to the host as <see cref="Snapshot"/> does.</remarks>
        /// <param name="slot">The slot: between 0 and <see cref="Capacity"/> − 1, and holding an entry.</param>
        /// <returns>The entry's values.</returns>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="slot"/> is not between 0 and <see cref="Capacity"/> − 1.</exception>
        /// <exception cref="ArgumentException"><paramref name="slot"/> holds no entry (the message lists the slots that do).</exception>
        public Tensor ReadEntry(int slot)
        {
            ThrowIfDisposed();
            if (slot < 0 || slot >= Capacity)
            {
                throw new ArgumentOutOfRangeException(nameof(slot), slot,
                    "The slot must be between 0 and " + (Capacity - 1) + " (the buffer holds topC = " + Capacity + " slots).");
            }

            CriticalBufferEntry[] entries = _store.Entries(StepsSeen);
            if (Array.FindIndex(entries, e => e.Slot == slot) < 0)
            {
                int[] occupied = Array.ConvertAll(entries, e => e.Slot);
                Array.Sort(occupied);
                throw new ArgumentException(
                    "Slot " + slot + " holds no entry; the slots that hold one are [" + string.Join(", ", occupied) + "].", nameof(slot));
            }

            using (no_grad())
            {
                using Tensor row = _store.Values.select(0, slot);
                return row.clone();
            }
        }

        /// <summary>Writes the complete state (values, priorities, counts, heap order, running sum, last minimum slot, ages, RNG state, flags) bit-exactly.</summary>
        /// <param name="writer">Destination.</param>
        public void Save(BinaryWriter writer)
        {
            ThrowIfDisposed();
            if (writer is null)
            {
                throw new ArgumentNullException(nameof(writer));
            }

            writer.Write(Magic);
            writer.Write(FormatVersion);
            writer.Write((int)Structure);
            writer.Write(Capacity);
            writer.Write(_shape.Length);
            foreach (var d in _shape)
            {
                writer.Write(d);
            }

            writer.Write(HasEverReceived);
            writer.Write(StepsSeen);
            _store.Save(writer);
        }

        /// <summary>
        /// Restores a state written by <see cref="Save"/> into this buffer (same structure, capacity and entry shape; tensors are
        /// placed on this buffer's device; the saved storage dtype wins). All or nothing: the state is read into a new buffer
        /// first (<see cref="ReadStaged"/>) and taken over only when all of it is valid.
        /// </summary>
        /// <param name="reader">Source.</param>
        /// <exception cref="InvalidDataException">The data is not a critical buffer state or does not fit this buffer; this buffer is unchanged.</exception>
        public void Load(BinaryReader reader)
        {
            using CriticalBuffer staged = ReadStaged(reader, CheckpointLocation.Standalone("a critical buffer"));
            (_store, staged._store) = (staged._store, _store);
            (HasEverReceived, staged.HasEverReceived) = (staged.HasEverReceived, HasEverReceived);
            (StepsSeen, staged.StepsSeen) = (staged.StepsSeen, StepsSeen);
        }

        /// <summary>
        /// Reads a state written by <see cref="Save"/> into a NEW buffer configured like this one (structure, capacity, entry
        /// shape, device, running or recomputed sum); this buffer is not modified. Every header field is checked against this
        /// buffer, and every tensor's shape before anything is allocated.
        /// </summary>
        /// <param name="reader">Source.</param>
        /// <param name="at">Where the buffer belongs in a checkpoint, for messages.</param>
        /// <returns>The new buffer; the caller owns it.</returns>
        /// <exception cref="InvalidDataException">The data is not a critical buffer state, or one of another capacity (topC), structure or entry shape.</exception>
        public CriticalBuffer ReadStaged(BinaryReader reader, CheckpointLocation at)
        {
            ThrowIfDisposed();
            if (reader is null)
            {
                throw new ArgumentNullException(nameof(reader));
            }

            if (at is null)
            {
                throw new ArgumentNullException(nameof(at));
            }

            CheckpointFields.ExpectTag(reader, Magic, at);
            int version = reader.ReadInt32();
            if (version != FormatVersion)
            {
                throw at.Error("the critical buffer's state has version " + version + "; expected " + FormatVersion + ".");
            }

            int structure = reader.ReadInt32();
            int capacity = reader.ReadInt32();
            int ndim = reader.ReadInt32();
            if (structure != (int)Structure)
            {
                throw at.Error("the checkpoint's critical buffer has the structure " + (Enum.IsDefined(typeof(CriticalBufferStructure), structure) ? ((CriticalBufferStructure)structure).ToString() : "code " + structure)
                    + "; this optimizer's has " + Structure + ".");
            }

            if (capacity != Capacity)
            {
                throw at.Error("the checkpoint's critical buffer holds topC = " + capacity + " entries; this optimizer's holds topC = " + Capacity
                    + ". Create the optimizer with topC: " + capacity + " to load this checkpoint.");
            }

            if (ndim < 0 || ndim > 64)
            {
                throw at.Error("the checkpoint's critical buffer has an entry rank of " + ndim + "; expected " + _shape.Length + ".");
            }

            var shape = new long[ndim];
            for (int i = 0; i < ndim; i++)
            {
                shape[i] = reader.ReadInt64();
            }

            if (!Shapes.Equal(shape, _shape))
            {
                throw at.Error("the checkpoint's critical buffer stores entries of shape " + Shapes.Text(shape) + "; expected " + Shapes.Text(_shape) + ".");
            }

            bool hasEverReceived = CheckpointFields.ReadBoolean(reader, "the critical buffer has received an entry", at);
            long stepsSeen = reader.ReadInt64();
            if (stepsSeen < 0)
            {
                throw at.Error("the critical buffer's offer counter is " + stepsSeen + "; expected a count (0 or more).");
            }

            var staged = new CriticalBuffer(_shape, Capacity, Structure, _store.CreateLoadTarget());
            try
            {
                using (no_grad())
                {
                    staged._store.Load(reader);
                }
            }
            catch (InvalidDataException e)
            {
                staged.Dispose();
                throw at.Error("the critical buffer: " + e.Message, e);
            }
            catch
            {
                staged.Dispose();
                throw;
            }

            staged.HasEverReceived = hasEverReceived;
            staged.StepsSeen = stepsSeen;
            return staged;
        }

        /// <summary>Makes this buffer a deep copy of <paramref name="source"/> (tensors copied onto this buffer's device).</summary>
        /// <param name="source">A buffer with the same structure, capacity and entry shape.</param>
        public void CopyFrom(CriticalBuffer source)
        {
            ThrowIfDisposed();
            if (source is null)
            {
                throw new ArgumentNullException(nameof(source));
            }

            source.ThrowIfDisposed();
            if (ReferenceEquals(source, this))
            {
                return;
            }

            if (source.Structure != Structure || source.Capacity != Capacity || !Shapes.Equal(source._shape, _shape))
            {
                throw new ArgumentException("The source critical buffer has a different structure, capacity or entry shape.", nameof(source));
            }

            using (no_grad())
            {
                _store.CopyFrom(source._store);
            }

            HasEverReceived = source.HasEverReceived;
            StepsSeen = source.StepsSeen;
        }

        /// <summary>Moves every stored tensor to <paramref name="device"/>.</summary>
        /// <param name="device">Target device.</param>
        public void to(Device device)
        {
            ThrowIfDisposed();
            using (no_grad())
            {
                _store.MoveTo(device);
            }
        }

        /// <summary>Same structure, capacity, shape and host state; tensors equal up to <c>allclose</c> (may synchronise).</summary>
        /// <param name="other">The buffer to compare with.</param>
        public bool ApproximatelyEquals(CriticalBuffer other)
        {
            ThrowIfDisposed();
            return other is not null
                && !other._disposed
                && other.Structure == Structure
                && other.Capacity == Capacity
                && Shapes.Equal(other._shape, _shape)
                && other.HasEverReceived == HasEverReceived
                && other.StepsSeen == StepsSeen
                && _store.ApproximatelyEquals(other._store);
        }

        /// <summary>Releases the stored tensors.</summary>
        public void Dispose()
        {
            if (!_disposed)
            {
                _disposed = true;
                _store.Dispose();
            }
        }

        private void CheckShape(Tensor x)
        {
            if (x is null)
            {
                throw new ArgumentNullException(nameof(x));
            }

            if (!Shapes.Equal(x.shape, _shape))
            {
                throw new ArgumentException(
                    "The offered tensor has shape [" + string.Join(",", x.shape) + "], the buffer stores [" + string.Join(",", _shape) + "].", nameof(x));
            }
        }

        // Validates an offer (of x, or of an entry a fused kernel computes: null) and counts it, admitted or not; returns its
        // step number. The one place random replacement is refused for a heap: the stores trust it.
        private long BeginOffer(Tensor? x, double criticalTest)
        {
            ThrowIfDisposed();
            if (x is not null)
            {
                CheckShape(x);
            }

            if (criticalTest > 0.0 && Structure != CriticalBufferStructure.Slots)
            {
                throw new NotSupportedException("Random replacement (critical_test) is only defined for the Slots buffer structure.");
            }

            StepsSeen++;
            HasEverReceived = true;
            return StepsSeen;
        }

        private void ThrowIfDisposed()
        {
            if (_disposed)
            {
                throw new ObjectDisposedException(nameof(CriticalBuffer));
            }
        }
    }
}
