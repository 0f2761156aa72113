using System;
using System.Globalization;

namespace OptimDsl.Runtime
{
    /// <summary>Argument checks used by generated optimizers: each failure names the argument and its allowed range.</summary>
    public static class Arguments
    {
        /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="value"/> lies in the given interval.</summary>
        /// <param name="value">The value.</param>
        /// <param name="name">The argument's name (PyTorch's).</param>
        /// <param name="min">Lower bound, or null.</param>
        /// <param name="minInclusive">Whether the lower bound is allowed.</param>
        /// <param name="max">Upper bound, or null.</param>
        /// <param name="maxInclusive">Whether the upper bound is allowed.</param>
        public static void CheckRange(double value, string name, double? min, bool minInclusive, double? max, bool maxInclusive)
        {
            // The interval type is the generator's too (src/Shared/ArgumentRoles.cs): the same test and the same notation as
            // the compile-time diagnostic ODSL0006.
            var range = new OptimDsl.Shared.Interval(min, minInclusive, max, maxInclusive);
            if (!range.Contains(value))
            {
                throw new ArgumentException(
                    string.Format(CultureInfo.InvariantCulture, "Invalid {0}: {1}; allowed range is {2}.", name, value, range.Describe()),
                    name);
            }
        }

        /// <summary>Integer overload of <see cref="CheckRange(double, string, double?, bool, double?, bool)"/>.</summary>
        /// <param name="value">The value.</param>
        /// <param name="name">The argument's name.</param>
        /// <param name="min">Lower bound, or null.</param>
        /// <param name="minInclusive">Whether the lower bound is allowed.</param>
        /// <param name="max">Upper bound, or null.</param>
        /// <param name="maxInclusive">Whether the upper bound is allowed.</param>
        public static void CheckRange(int value, string name, double? min, bool minInclusive, double? max, bool maxInclusive) =>
            CheckRange((double)value, name, min, minInclusive, max, maxInclusive);

        /// <summary>
        /// Throws <see cref="ArgumentException"/> unless <paramref name="dtype"/> is null (the parameter's dtype) or a floating
        /// dtype (<c>Float16</c>, <c>BFloat16</c>, <c>Float32</c>, <c>Float64</c>): a storage dtype for values such as gradients
        /// (an integer dtype would truncate them).
        /// </summary>
        /// <param name="dtype">The dtype, or null.</param>
        /// <param name="name">The argument's name.</param>
        public static void CheckFloatingDtype(TorchSharp.torch.ScalarType? dtype, string name)
        {
            if (dtype is { } value && value is not (TorchSharp.torch.ScalarType.Float16 or TorchSharp.torch.ScalarType.BFloat16
                or TorchSharp.torch.ScalarType.Float32 or TorchSharp.torch.ScalarType.Float64))
            {
                throw new ArgumentException(
                    string.Format(CultureInfo.InvariantCulture, "Invalid {0}: {1}; expected a floating dtype (Float16, BFloat16, Float32 or Float64) or null (the parameter's dtype).", name, value),
                    name);
            }
        }

        /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> unless <paramref name="rule"/> is one of the <see cref="AggregationRule"/> values.</summary>
        /// <param name="rule">The rule.</param>
        /// <param name="name">The argument's name.</param>
        public static void CheckAggregationRule(AggregationRule rule, string name)
        {
            if (rule is not (AggregationRule.Sum or AggregationRule.Mid or AggregationRule.Mean or AggregationRule.BufferMeanOnly))
            {
                throw new ArgumentOutOfRangeException(
                    name,
                    rule,
                    string.Format(CultureInfo.InvariantCulture, "Invalid {0}: {1}; expected Sum, Mid, Mean or BufferMeanOnly.", name, (int)rule));
            }
        }

        /// <summary>PyTorch's rule: Nesterov momentum requires a positive momentum and zero dampening.</summary>
        /// <param name="nesterov">The nesterov flag.</param>
        /// <param name="momentum">The momentum.</param>
        /// <param name="dampening">The dampening.</param>
        public static void CheckNesterov(bool nesterov, double momentum, double dampening)
        {
            if (nesterov && (momentum <= 0 || dampening != 0))
            {
                throw new ArgumentException(
                    string.Format(CultureInfo.InvariantCulture, "Invalid nesterov: true requires momentum > 0 and dampening = 0 (got momentum {0}, dampening {1}).", momentum, dampening),
                    "nesterov");
            }
        }

        /// <summary>HuggingFace Adafactor's argument rules: <c>lr</c> excludes <c>relative_step</c>, <c>warmup_init</c> requires it.</summary>
        /// <param name="lr">The explicit learning rate, or null.</param>
        /// <param name="relativeStep">relative_step.</param>
        /// <param name="warmupInit">warmup_init.</param>
        public static void CheckAdafactor(double? lr, bool relativeStep, bool warmupInit)
        {
            if (lr is not null && relativeStep)
            {
                throw new ArgumentException("Invalid lr: an explicit lr cannot be combined with relative_step = true (pass relative_step: false, or leave lr null).", "lr");
            }

            if (lr is null && !relativeStep)
            {
                throw new ArgumentException("Invalid lr: null requires relative_step = true (give lr a value, or set relative_step: true).", "lr");
            }

            if (warmupInit && !relativeStep)
            {
                throw new ArgumentException("Invalid warmup_init: true requires relative_step = true.", "warmup_init");
            }
        }
    }
}
