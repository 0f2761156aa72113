using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OptimDsl.Examples.Compare
{
    /// <summary>Loss and accuracy of a classifier over a whole split, in chunks, without gradients.</summary>
    internal static class Evaluation
    {
        /// <summary>Mean cross-entropy and accuracy (in [0, 1]) of <paramref name="model"/> on (<paramref name="x"/>, <paramref name="y"/>).</summary>
        public static (double Loss, double Accuracy) LossAndAccuracy(Sequential model, Tensor x, Tensor y)
        {
            using var noGrad = torch.no_grad();
            long n = x.shape[0];
            double lossSum = 0;
            long correct = 0;
            const long chunk = 8192;
            for (long start = 0; start < n; start += chunk)
            {
                using var scope = torch.NewDisposeScope();
                long count = Math.Min(chunk, n - start);
                Tensor xb = x.narrow(0, start, count);
                Tensor yb = y.narrow(0, start, count);
                Tensor logits = model.forward(xb);
                lossSum += nn.functional.cross_entropy(logits, yb, reduction: nn.Reduction.Sum).item<float>();
                correct += logits.argmax(1).eq(yb).sum().item<long>();
            }

            return (lossSum / n, (double)correct / n);
        }
    }
}
