using System;
using System.Collections.Generic;
using System.Globalization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OptimDsl.Benchmarks
{
    /// <summary>
    /// Optimizer state per parameter, measured on the 1M model after two steps (so lazily created state, such as SGD's
    /// momentum buffer, exists). Critical-buffer optimizers appear with <c>-p:CriticalCatalog=true</c>, with float32 and
    /// bfloat16 buffers where the class has a <c>buffer_dtype</c> argument.
    /// </summary>
    internal static class StateMemoryReport
    {
        internal sealed record Entry(string Optimizer, string Buffer, Func<IEnumerable<Parameter>, optim.Optimizer> Create);

        internal sealed record Row(Entry Entry, long Bytes, double BytesPerParameter);

        public static IReadOnlyList<Entry> Entries()
        {
            var entries = new List<Entry>
            {
                new("torch.optim.Adam", "-", p => torch.optim.Adam(p)),
                new("OptimDsl Adam", "-", p => new global::OptimDsl.Optimizers.Adam(p)),
                new("OptimDsl Adam (amsgrad)", "-", p => new global::OptimDsl.Optimizers.Adam(p, amsgrad: true)),
                new("torch.optim.AdamW", "-", p => torch.optim.AdamW(p)),
                new("OptimDsl AdamW", "-", p => new global::OptimDsl.Optimizers.AdamW(p)),
                new("torch.optim.SGD (momentum 0.9)", "-", p => torch.optim.SGD(p, 1e-3, momentum: 0.9)),
                new("OptimDsl SGD (momentum 0.9)", "-", p => new global::OptimDsl.Optimizers.SGD(p, momentum: 0.9)),
                new("OptimDsl SM3", "-", p => new global::OptimDsl.Optimizers.SM3(p)),
                new("OptimDsl SM3 (momentum 0.9)", "-", p => new global::OptimDsl.Optimizers.SM3(p, momentum: 0.9)),
                new("OptimDsl Adafactor", "-", p => new global::OptimDsl.Optimizers.Adafactor(p)),
                new("OptimDsl Adafactor (beta1 0.9)", "-", p => new global::OptimDsl.Optimizers.Adafactor(p, lr: 1e-3, relative_step: false, beta1: 0.9)),
            };
#if CRITICAL_CATALOG
            foreach (int topC in new[] { 5, 20 })
            {
                int c = topC;
                entries.Add(new($"Adam_C (topC {c}, heap, running sum)", "float32", p => new global::OptimDsl.Optimizers.Adam_C(p, topC: c)));
                entries.Add(new($"Adam_C (topC {c}, heap, Sum = Recompute)", "float32", p => new AdamCRecomputingSum(p, topC: c)));
                entries.Add(new($"Adam_C_eff (topC {c}, slots)", "float32", p => new global::OptimDsl.Optimizers.Adam_C_eff(p, topC: c)));
                entries.Add(new($"Adam_C_eff (topC {c}, slots)", "bfloat16", p => new global::OptimDsl.Optimizers.Adam_C_eff(p, topC: c, buffer_dtype: ScalarType.BFloat16)));
                entries.Add(new($"Adam_CM (topC {c})", "float32", p => new global::OptimDsl.Optimizers.Adam_CM(p, topC: c)));
                entries.Add(new($"Adam_CM (topC {c})", "bfloat16", p => new global::OptimDsl.Optimizers.Adam_CM(p, topC: c, buffer_dtype: ScalarType.BFloat16)));
            }
#endif
            return entries;
        }

        public static IReadOnlyList<Row> Measure(string size = ModelShape.Small)
        {
            var rows = new List<Row>();
            foreach (Entry entry in Entries())
            {
                using SyntheticModel model = SyntheticModel.Create(size);
                using optim.Optimizer optimizer = entry.Create(model.Parameters);
                optimizer.step();
                optimizer.step();
                long bytes = StateBytes.Of((OptimizerHelper)optimizer);
                rows.Add(new Row(entry, bytes, (double)bytes / model.Shape.Numel));
            }

            return rows;
        }

        public static void Print(IReadOnlyList<Row> rows, ModelShape shape, Action<string> write)
        {
            var c = CultureInfo.InvariantCulture;
            write(string.Create(c, $"State memory on the {shape.Describe()}; parameters are float32 (4 B each, not counted):"));
            write("");
            write("| optimizer | buffer dtype | state | bytes / parameter | × parameter size |");
            write("|---|---|---:|---:|---:|");
            foreach (Row r in rows)
            {
                write(string.Format(c, "| {0} | {1} | {2:F2} MB | {3:F2} | {4:F2} |",
                    r.Entry.Optimizer, r.Entry.Buffer, r.Bytes / 1e6, r.BytesPerParameter, r.BytesPerParameter / 4));
            }
        }
    }
}
