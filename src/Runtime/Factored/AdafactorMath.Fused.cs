using System;
using static TorchSharp.torch;

namespace OptimDsl.Runtime
{
    /// <summary>The scalar pieces of Adafactor for the fused CPU path, computed on the host from the kernels' sums.</summary>
    public static partial class AdafactorMath
    {
        /// <summary>
        /// HF <c>_get_lr</c> on the host, for the fused path: <c>rho · (scaleParameter ? max(eps2, rms) : 1)</c> with
        /// <c>rho = relativeStep ? min(warmupInit ? 1e-6·step : 1e-2, 1/sqrt(step)) : lr</c>, rounded to the parameter's dtype.
        /// </summary>
        /// <param name="rms">The parameter's RMS before this step (<c>‖p‖₂ / sqrt(numel)</c>).</param>
        /// <param name="step">The step count after this step's increment.</param>
        /// <param name="lr">The external learning rate.</param>
        /// <param name="eps2">Lower bound of the parameter scale.</param>
        /// <param name="relativeStep">Use the relative step size.</param>
        /// <param name="scaleParameter">Scale by the parameter's RMS.</param>
        /// <param name="warmupInit">Warm the relative step up.</param>
        /// <param name="dtype">The parameter's dtype (float32 rounds the result to float).</param>
        public static double LearningRateOnHost(double rms, long step, double lr, double eps2, bool relativeStep, bool scaleParameter, bool warmupInit, ScalarType dtype)
        {
            double rho = lr;
            if (relativeStep)
            {
                double minStep = warmupInit ? 1e-6 * step : 1e-2;
                rho = Math.Min(minStep, 1.0 / Math.Sqrt(step));
            }

            if (!scaleParameter)
            {
                return dtype == ScalarType.Float32 ? (float)rho : rho;
            }

            return dtype == ScalarType.Float32 ? Math.Max((float)eps2, (float)rms) * (float)rho : Math.Max(eps2, rms) * rho;
        }

        /// <summary>HF's clipping divisor on the host, for the fused path: <c>max(1, RMS(update) / clipThreshold)</c>, rounded to the dtype.</summary>
        /// <param name="rms">The update's RMS.</param>
        /// <param name="clipThreshold">HF <c>clip_threshold</c>.</param>
        /// <param name="dtype">The parameter's dtype.</param>
        public static double ClipDivisorOnHost(double rms, double clipThreshold, ScalarType dtype) =>
            dtype == ScalarType.Float32 ? Math.Max(1f, (float)rms / (float)clipThreshold) : Math.Max(1.0, rms / clipThreshold);
    }
}
