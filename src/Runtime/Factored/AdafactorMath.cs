using System;
using TorchSharp;
using static TorchSharp.torch;

namespace OptimDsl.Runtime
{
    /// <summary>
    /// Scalar pieces of huggingface/transformers <c>Adafactor.step</c> (<c>src/transformers/optimization.py</c>):
    /// the relative learning rate (<c>_get_lr</c>), the decay schedule <c>beta2t</c> and update clipping. The tensor-valued
    /// helpers stay on the device: they never read a tensor on the host.
    /// </summary>
    public static partial class AdafactorMath
    {
        /// <summary>
        /// HF <c>_get_lr</c>: <c>rho = relativeStep ? min(warmupInit ? 1e-6·step : 1e-2, 1/sqrt(step)) : lr</c>;
        /// <c>lr_t = rho · (scaleParameter ? max(eps2, RMS(param)) : 1)</c> with <c>RMS(p) = ‖p‖₂ / sqrt(numel(p))</c>.
        /// Call it BEFORE this step changes the parameter (HF stores <c>state["RMS"]</c> first).
        /// </summary>
        /// <param name="param">The parameter (its value before this step's update).</param>
        /// <param name="step">The step count after this step's increment (1 at the first step).</param>
        /// <param name="lr">The external learning rate (used only when <paramref name="relativeStep"/> is false).</param>
        /// <param name="eps2">Lower bound of the parameter scale (HF <c>eps[1]</c>, default 1e-3).</param>
        /// <param name="relativeStep">Use the time-dependent relative step size instead of <paramref name="lr"/>.</param>
        /// <param name="scaleParameter">Scale the step by the parameter's RMS.</param>
        /// <param name="warmupInit">Linear warm-up of the relative step (<c>1e-6·step</c>).</param>
        /// <returns>
        /// A 0-dim tensor on the parameter's device, in the parameter's dtype (float32 for float16/bfloat16 parameters, whose
        /// math HF does in float32), owned by the caller's dispose scope. No host synchronisation.
        /// </returns>
        public static Tensor LearningRate(Tensor param, long step, double lr, double eps2, bool relativeStep, bool scaleParameter, bool warmupInit)
        {
            if (param is null)
            {
                throw new ArgumentNullException(nameof(param));
            }

            double rho = lr;
            if (relativeStep)
            {
                double minStep = warmupInit ? 1e-6 * step : 1e-2;
                rho = Math.Min(minStep, 1.0 / Math.Sqrt(step));
            }

            ScalarType dtype = ComputeDtype(param.dtype);
            using (no_grad())
            {
                if (!scaleParameter)
                {
                    // A fill kernel on the device (no host-to-device copy of data, no read back).
                    using Scalar fill = rho;
                    return full(Array.Empty<long>(), fill, dtype: dtype, device: param.device);
                }

                Tensor p = param.dtype == dtype ? param : param.to(dtype);
                using Tensor rms = Rms(p);
                if (!ReferenceEquals(p, param))
                {
                    p.Dispose();
                }

                // max(eps2, RMS) * rho, computed on the device.
                using Scalar floor = eps2;
                using Scalar scale = rho;
                return rms.clamp_min(floor).mul_(scale);
            }
        }

        /// <summary>HF's decay schedule <c>beta2t = 1 − step^decayRate</c> (0 at step 1; host arithmetic, no tensors).</summary>
        /// <param name="step">The step count after this step's increment (1 at the first step).</param>
        /// <param name="decayRate">HF <c>decay_rate</c> (default −0.8).</param>
        /// <returns>beta2t.</returns>
        public static double Beta2(long step, double decayRate) => 1.0 - Math.Pow(step, decayRate);

        /// <summary>
        /// HF update clipping, in place: <c>update.div_((RMS(update) / clipThreshold).clamp_(min: 1))</c>, i.e. the update is
        /// scaled down so that its RMS is at most <paramref name="clipThreshold"/>. No host synchronisation.
        /// </summary>
        /// <param name="update">The preconditioned update (modified in place).</param>
        /// <param name="clipThreshold">HF <c>clip_threshold</c> (default 1.0).</param>
        /// <returns><paramref name="update"/>.</returns>
        public static Tensor ClipByRms(Tensor update, double clipThreshold)
        {
            if (update is null)
            {
                throw new ArgumentNullException(nameof(update));
            }

            using (no_grad())
            {
                using Tensor rms = Rms(update);
                using Scalar threshold = clipThreshold;
                using Scalar one = 1.0;
                rms.div_(threshold).clamp_(min: one);
                update.div_(rms);
            }

            return update;
        }

        /// <summary>HF <c>_rms</c>: <c>tensor.norm(2) / numel**0.5</c> as a 0-dim tensor (a new tensor).</summary>
        private static Tensor Rms(Tensor t)
        {
            using Scalar root = Math.Sqrt(t.numel());
            // Tensor.norm(float) passes p to libtorch by value (THSTensor_norm); linalg.vector_norm(t, 2.0) would convert the
            // order to a temporary Scalar inside TorchSharp (ord.ToScalar().Handle), which a collection can free mid-call.
            // The same result bit for bit (checked on float32 and float64 tensors, contiguous or not).
            return t.norm(2f).div_(root);
        }

        private static ScalarType ComputeDtype(ScalarType dtype) => FactoredStateIO.IsReducedPrecision(dtype) ? ScalarType.Float32 : dtype;
    }
}
