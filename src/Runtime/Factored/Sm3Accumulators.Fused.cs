using System;
using System.Numerics;
using TorchSharp;

namespace OptimDsl.Runtime
{
    /// <summary>
    /// The fused CPU path of SM3 (float32/float64 CPU state): the generated kernels walk the parameter's rows (all axes but
    /// the last) and compute ν = min(acc_0[i_0], …, acc_{r−2}[i_{r−2}], acc_{r−1}[j]) (β-mixed with x²) per element; the
    /// maxima of ν that become the new accumulators are gathered per work item (<see cref="RecordRowMaximum{T}"/>,
    /// <see cref="ColumnMaxima{T}"/>) in a reduction pass and committed after the element-wise pass, which still needs the old
    /// accumulators (<see cref="CommitFused{T}"/>). Rank ≤ 1: the single accumulator is an element-wise operand
    /// (<see cref="FullAddress"/>).
    /// </summary>
    public sealed partial class Sm3Accumulators
    {
        private nint[]? _addresses;       // each accumulator's memory, for this step (PrepareFused)
        private CachedTensorMemory[]? _memory; // each accumulator's memory, read from libtorch once per tensor
        private long[]? _prefixOffsets;   // offsets of the prefix axes' maxima within one item's scratch
        private Array? _scratch;          // T[items × (Σ_{k<r−1} n_k + n_{r−1})]: per-item maxima, -inf when untouched
        private int _itemWidth;

        /// <summary>Whether the parameter has rank ≥ 2 (one accumulator per axis; the kernels walk rows).</summary>
        public bool IsFactored => _shape.Length >= 2;

        /// <summary>The address of the single accumulator of a rank ≤ 1 parameter (its memory is an element-wise operand).</summary>
        public nint FullAddress => Memory()[0].Address(_accumulators[0]);

        /// <summary>Reads the accumulators' addresses and resets the per-item maxima for a step of <paramref name="items"/> work items.</summary>
        /// <typeparam name="T">The state's element type.</typeparam>
        /// <param name="items">Work items of this parameter.</param>
        public void PrepareFused<T>(int items)
            where T : unmanaged, IBinaryFloatingPointIeee754<T>
        {
            ThrowIfDisposed();
            int rank = _shape.Length;
            _addresses ??= new nint[_accumulators.Length];
            CachedTensorMemory[] memory = Memory();
            for (int k = 0; k < _accumulators.Length; k++)
            {
                _addresses[k] = memory[k].Address(_accumulators[k]);
            }

            if (!IsFactored)
            {
                return;
            }

            _prefixOffsets ??= new long[rank - 1];
            long width = 0;
            for (int k = 0; k < rank - 1; k++)
            {
                _prefixOffsets[k] = width;
                width += _shape[k];
            }

            _itemWidth = (int)(width + _shape[rank - 1]);
            int needed = items * _itemWidth;
            if (_scratch is not T[] scratch || scratch.Length < needed)
            {
                _scratch = scratch = new T[Math.Max(needed, _itemWidth)];
            }

            scratch.AsSpan(0, needed).Fill(T.NegativeInfinity);
        }

        private CachedTensorMemory[] Memory() => _memory ??= new CachedTensorMemory[_accumulators.Length];

        /// <summary>min over the prefix accumulators at the indices of <paramref name="row"/> (rank ≥ 2).</summary>
        /// <typeparam name="T">The state's element type.</typeparam>
        /// <param name="row">A row (a flat index over all axes but the last).</param>
        public T RowMinimum<T>(long row)
            where T : unmanaged, IBinaryFloatingPointIeee754<T>
        {
            T min = T.PositiveInfinity;
            bool first = true;
            for (int k = _shape.Length - 2; k >= 0; k--)
            {
                long index = row % _shape[k];
                row /= _shape[k];
                T value = FusedMemory.Span<T>(_addresses![k], index, 1)[0];
                min = first ? value : FusedVector.Minimum(min, value);
                first = false;
            }

            return min;
        }

        /// <summary>The memory of the last axis' accumulator (one value per column).</summary>
        /// <typeparam name="T">The state's element type.</typeparam>
        public Span<T> LastAccumulator<T>()
            where T : unmanaged => FusedMemory.Span<T>(_addresses![_shape.Length - 1], 0, (int)_shape[_shape.Length - 1]);

        /// <summary>The running column maxima of work item <paramref name="ordinal"/> (one per column, −∞ until touched).</summary>
        /// <typeparam name="T">The state's element type.</typeparam>
        /// <param name="ordinal">The item's index among this parameter's items.</param>
        public Span<T> ColumnMaxima<T>(int ordinal)
            where T : unmanaged =>
            ((T[])_scratch!).AsSpan(ordinal * _itemWidth + (int)(_itemWidth - _shape[_shape.Length - 1]), (int)_shape[_shape.Length - 1]);

        /// <summary>Folds the maximum of ν over one row into work item <paramref name="ordinal"/>'s maxima of every prefix axis.</summary>
        /// <typeparam name="T">The state's element type.</typeparam>
        /// <param name="ordinal">The item's index among this parameter's items.</param>
        /// <param name="row">The row.</param>
        /// <param name="max">The row's maximum of ν.</param>
        public void RecordRowMaximum<T>(int ordinal, long row, T max)
            where T : unmanaged, IBinaryFloatingPointIeee754<T>
        {
            Span<T> maxima = ((T[])_scratch!).AsSpan(ordinal * _itemWidth, _itemWidth);
            for (int k = _shape.Length - 2; k >= 0; k--)
            {
                long index = _prefixOffsets![k] + row % _shape[k];
                row /= _shape[k];
                maxima[(int)index] = FusedVector.Maximum(maxima[(int)index], max);
            }
        }

        /// <summary>
        /// The accumulators take the maxima of ν gathered by <paramref name="items"/> work items (β = 0: assigned; β &gt; 0:
        /// <c>max(acc, ·)</c>), as <see cref="Update"/> does. Call it after the element-wise pass. A parameter without elements
        /// (no work items) keeps its accumulators.
        /// </summary>
        /// <typeparam name="T">The state's element type.</typeparam>
        /// <param name="items">Work items of this parameter.</param>
        /// <param name="beta">The coefficient.</param>
        public void CommitFused<T>(int items, double beta)
            where T : unmanaged, IBinaryFloatingPointIeee754<T>
        {
            if (!IsFactored || items == 0)
            {
                // Rank ≤ 1: the element-wise pass wrote the accumulator. No items (no elements): nothing was gathered, and the
                // accumulators keep their values, as Update leaves them.
                return;
            }

            var scratch = (T[])_scratch!;
            int rank = _shape.Length;
            long offset = 0;
            for (int k = 0; k < rank; k++)
            {
                int n = (int)_shape[k];
                Span<T> acc = FusedMemory.Span<T>(_addresses![k], 0, n);
                for (int i = 0; i < n; i++)
                {
                    T max = scratch[offset + i];
                    for (int item = 1; item < items; item++)
                    {
                        max = FusedVector.Maximum(max, scratch[item * _itemWidth + offset + i]);
                    }

                    acc[i] = beta > 0 ? FusedVector.Maximum(acc[i], max) : max;
                }

                offset += n;
            }
        }
    }
}
