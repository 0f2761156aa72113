using System;
using System.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace OptimDsl.Runtime
{
    /// <summary>
    /// The storage behind a <see cref="CriticalBuffer"/>: one implementation per <see cref="CriticalBufferStructure"/>.
    /// The facade owns the host counters (<see cref="CriticalBuffer.StepsSeen"/>, <see cref="CriticalBuffer.HasEverReceived"/>)
    /// and passes the step number of each offer in; everything else lives here.
    /// <para>
    /// An offer has two parts: the decision (which slot receives the entry, which entries leave), taken on the host or, for
    /// the slot structure on an accelerator, on the device; and the element-wise part (the running sum and the receiving slot),
    /// done with tensor operations (<see cref="Offer"/>) or by a fused kernel between <see cref="PlanOffer"/> and
    /// <see cref="CompleteOffer"/>.
    /// </para>
    /// </summary>
    internal abstract class CriticalStore : IDisposable
    {
        protected CriticalStore(int capacity, long[] shape, ScalarType sumDtype, ScalarType valueDtype, Device device)
        {
            Capacity = capacity;
            Shape = (long[])shape.Clone();
            SumDtype = sumDtype;
            ValueDtype = valueDtype;
            Device = device;
        }

        public int Capacity { get; }

        /// <summary>Shape of one entry (the parameter's shape).</summary>
        public long[] Shape { get; }

        /// <summary>The parameter's dtype: running sums and aggregations are kept in it.</summary>
        public ScalarType SumDtype { get; protected set; }

        /// <summary>Storage dtype of the values.</summary>
        public ScalarType ValueDtype { get; protected set; }

        public Device Device { get; protected set; }

        public abstract Tensor Values { get; }

        /// <summary>Bytes of device memory held by the store (values, running sum, priorities, bookkeeping tensors).</summary>
        public abstract long StateBytes { get; }

        /// <summary>
        /// Whether the store's tensors live on the CPU in one float32/float64 dtype (values, sum and parameter alike), so that
        /// its own element-wise chores (removing an entry, recomputing a sum) run on their memory and a fused kernel can work
        /// on it.
        /// </summary>
        public bool OnHostMemory =>
            Device.type == DeviceType.CPU && ValueDtype == SumDtype && HostKernels.Takes(SumDtype);

        /// <summary>
        /// Aggregates <paramref name="x"/> with the entries stored now (before this step's offer); a new tensor.
        /// </summary>
        public abstract Tensor Aggregate(Tensor x, AggregationRule rule, double kappa);

        /// <summary>Decides and performs the offer of <paramref name="x"/> with tensor operations.</summary>
        public abstract void Offer(Tensor x, OfferPriority priority, double criticalTest, long step);

        /// <summary><see cref="Aggregate"/>, then <see cref="Offer"/> of the same tensor; stores may fuse the two.</summary>
        public virtual Tensor AggregateAndOffer(Tensor x, AggregationRule rule, double kappa, OfferPriority priority, double criticalTest, long step)
        {
            var aggregated = Aggregate(x, rule, kappa);
            Offer(x, priority, criticalTest, step);
            return aggregated;
        }

        /// <summary>
        /// Decides the offer of an entry on the host (the store is on host memory) and updates all bookkeeping except the
        /// running sum and the receiving slot, which the caller's kernel writes (see <see cref="CriticalKernelOperands"/>).
        /// </summary>
        public abstract void PlanOffer(double priority, double criticalTest, long step, ref CriticalKernelOperands operands);

        /// <summary>Finishes an offer planned by <see cref="PlanOffer"/> after the kernel ran (entries that left besides the replaced one, sum upkeep).</summary>
        public abstract void CompleteOffer();

        public abstract void Decay(double decay);

        public abstract void DropOlderThan(int maxAge, long stepsSeen);

        /// <summary>
        /// The stored entries in storage order (heap-list order; slot order), read to the host (may synchronise with the device).
        /// </summary>
        /// <param name="stepsSeen">The buffer's offer count, for the entries' ages.</param>
        public abstract CriticalBufferEntry[] Entries(long stepsSeen);

        public abstract void Save(BinaryWriter writer);

        /// <summary>
        /// Restores a state written by <see cref="Save"/>. Reads and checks everything before replacing any field, and every
        /// tensor's shape before allocating it.
        /// </summary>
        public abstract void Load(BinaryReader reader);

        /// <summary>
        /// A new store configured like this one (capacity, entry shape, dtypes, device, sum mode) whose large tensors are empty
        /// placeholders: only for <see cref="Load"/>, which replaces them, so that staging a checkpoint does not hold a zeroed
        /// copy of the buffer besides the live one and the loaded one.
        /// </summary>
        public abstract CriticalStore CreateLoadTarget();

        public abstract void CopyFrom(CriticalStore source);

        public abstract void MoveTo(Device device);

        public abstract bool ApproximatelyEquals(CriticalStore other);

        public abstract void Dispose();

        /// <summary>numel × element size of a tensor (0 for null).</summary>
        protected static long BytesOf(Tensor? t) => t is null ? 0 : t.numel() * t.element_size();

        /// <summary>Number of elements of one entry.</summary>
        protected long EntryElements()
        {
            long n = 1;
            foreach (long d in Shape)
            {
                n *= d;
            }

            return n;
        }

        /// <summary><c>[capacity, *shape]</c>.</summary>
        protected long[] StorageShape()
        {
            var result = new long[Shape.Length + 1];
            result[0] = Capacity;
            Array.Copy(Shape, 0, result, 1, Shape.Length);
            return result;
        }

        /// <summary>Replaces <paramref name="field"/> by a detached copy of <paramref name="value"/> on <paramref name="device"/>, disposing the old tensor.</summary>
        protected static void Replace(ref Tensor field, Tensor value, Device device)
        {
            var copy = value.to(device, copy: true).DetachFromDisposeScope();
            field.Dispose();
            field = copy;
        }

        /// <summary>Nullable variant of <see cref="Replace(ref Tensor, Tensor, Device)"/>.</summary>
        protected static void ReplaceNullable(ref Tensor? field, Tensor? value, Device device)
        {
            var copy = value is null ? null : value.to(device, copy: true).DetachFromDisposeScope();
            field?.Dispose();
            field = copy;
        }

        /// <summary>Moves a persistent tensor to <paramref name="device"/> (no-op when it is already there).</summary>
        protected static Tensor Move(Tensor field, Device device)
        {
            var moved = field.to(device);
            if (ReferenceEquals(moved, field))
            {
                return field;
            }

            moved.DetachFromDisposeScope();
            field.Dispose();
            return moved;
        }
    }
}
