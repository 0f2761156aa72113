using System;
using System.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace OptimDsl.Runtime;

/// <summary>
/// The storage behind a <see cref="CriticalBuffer"/>: one implementation per <see cref="CriticalBufferStructure"/>.
/// The facade owns the host counters (<see cref="CriticalBuffer.StepsSeen"/>, <see cref="CriticalBuffer.HasEverReceived"/>)
/// and passes the step number of each offer in; everything else lives here.
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

    /// <summary>numel × element size of a tensor (0 for null).</summary>
    protected static long BytesOf(Tensor? t) => t is null ? 0 : t.numel() * t.element_size();

    public abstract Tensor Aggregate(Tensor x, AggregationRule rule, double kappa);

    public abstract void Offer(Tensor x, double priority, long step);

    public abstract void Offer(Tensor x, Tensor priority, double criticalTest, long step);

    /// <summary><see cref="Aggregate"/>, then <see cref="Offer(Tensor, double, long)"/> of the same tensor; stores may fuse the two.</summary>
    public virtual Tensor AggregateAndOffer(Tensor x, AggregationRule rule, double kappa, double priority, long step)
    {
        var aggregated = Aggregate(x, rule, kappa);
        Offer(x, priority, step);
        return aggregated;
    }

    /// <summary>
    /// <see cref="AggregateAndOffer(Tensor, AggregationRule, double, double, long)"/> with the aggregate returned as
    /// <paramref name="scale"/> × result; a store may return read-only internal state and leave the offer pending until
    /// <see cref="FinishPendingOffer"/>. The default materialises the aggregate (scale 1).
    /// </summary>
    public virtual Tensor AggregateAndOfferScaled(Tensor x, AggregationRule rule, double kappa, double priority, long step, out double scale)
    {
        scale = 1.0;
        return AggregateAndOffer(x, rule, kappa, priority, step);
    }

    /// <summary>Completes an offer left pending by <see cref="AggregateAndOfferScaled"/>; no-op when none is pending.</summary>
    public virtual void FinishPendingOffer()
    {
    }

    /// <summary><see cref="Aggregate"/>, then <see cref="Offer(Tensor, Tensor, double, long)"/> of the same tensor; stores may fuse the two.</summary>
    public virtual Tensor AggregateAndOffer(Tensor x, AggregationRule rule, double kappa, Tensor priority, double criticalTest, long step)
    {
        var aggregated = Aggregate(x, rule, kappa);
        Offer(x, priority, criticalTest, step);
        return aggregated;
    }

    public abstract void Decay(double decay);

    public abstract void DropOlderThan(int maxAge, long stepsSeen);

    public abstract double[] Priorities();

    public abstract int[] Slots();

    public abstract int Count();

    public abstract void Save(BinaryWriter writer);

    public abstract void Load(BinaryReader reader);

    public abstract void CopyFrom(CriticalStore source);

    public abstract void MoveTo(Device device);

    public abstract bool ApproximatelyEquals(CriticalStore other);

    public abstract void Dispose();

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
