using TorchSharp;
using static TorchSharp.torch;

namespace OptimDsl.Runtime
{
    /// <summary>
    /// The priority of one offer to a critical buffer: a host value, or a one-element tensor left on its device so that a
    /// buffer on an accelerator decides admission without a host read. A buffer on the CPU reads a device priority (no
    /// synchronisation there); a buffer on an accelerator turns a host value into a device scalar (a fill, not a read).
    /// </summary>
    public readonly struct OfferPriority
    {
        /// <summary>A host priority.</summary>
        /// <param name="value">The value.</param>
        public OfferPriority(double value)
        {
            Value = value;
            Device = null;
        }

        /// <summary>A priority held by a one-element tensor.</summary>
        /// <param name="device">The tensor (0-dim or one element).</param>
        public OfferPriority(Tensor device)
        {
            Value = double.NaN;
            Device = device ?? throw new System.ArgumentNullException(nameof(device));
        }

        /// <summary>The host value (NaN when the priority is a tensor).</summary>
        public double Value { get; }

        /// <summary>The tensor holding the priority, or null for a host value.</summary>
        public Tensor? Device { get; }

        /// <summary>A host priority.</summary>
        /// <param name="value">The value.</param>
        public static implicit operator OfferPriority(double value) => new(value);

        /// <summary>A priority held by a one-element tensor.</summary>
        /// <param name="device">The tensor.</param>
        public static implicit operator OfferPriority(Tensor device) => new(device);

        /// <summary>The host value, reading the tensor if there is one (a synchronisation off the CPU).</summary>
        public double ToHost()
        {
            if (Device is null)
            {
                return Value;
            }

            using var scope = NewDisposeScope();
            return Device.reshape(1).to(ScalarType.Float64).cpu().data<double>()[0];
        }
    }
}
