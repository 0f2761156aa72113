using System;
using System.Numerics;
using TorchSharp;

namespace OptimDsl.Runtime
{
    /// <summary>
    /// The fused CPU path of Adafactor (float32/float64 CPU state). The generated kernels walk the parameter's rows (all axes
    /// but the last): a statistics pass adds each row's <c>x² + eps1</c> (<see cref="SetRowSum"/>) and each work item's
    /// column sums (<see cref="ColumnSums"/>); <see cref="FinishStatistics{T}"/> then updates the row and column factors, in
    /// HF's order, and precomputes <c>rsqrt(R/mean(R))</c> per row and <c>rsqrt(C)</c> per column, which the RMS pass and
    /// the element-wise pass multiply with <c>x</c> (<see cref="RowFactor{T}"/>, <see cref="ColumnFactors{T}"/>). Rank &lt; 2:
    /// the full second moment is an element-wise operand (<see cref="FullAddress"/>).
    /// </summary>
    public sealed partial class FactoredSecondMoment
    {
        private double[]? _rowSums;    // [rows]
        private double[]? _columnSums; // [items × |C|]
        private Array? _rowFactors;    // T[rows]
        private Array? _columnFactors; // T[|C|]
        private long _rows;
        private int _columns;          // the last axis
        private int _rowsPerBatch;     // the second-to-last axis
        private int _columnEntries;    // |C| = batches × columns
        private CachedTensorMemory _fullMemory; // the state tensors' memory, read once per tensor
        private CachedTensorMemory _rowMemory;
        private CachedTensorMemory _colMemory;

        /// <summary>The address of the full second moment of a rank &lt; 2 parameter (an element-wise operand).</summary>
        public nint FullAddress => _fullMemory.Address(_full!);

        /// <summary>Resets the sums for a step of <paramref name="items"/> work items (rank ≥ 2).</summary>
        /// <typeparam name="T">The state's element type.</typeparam>
        /// <param name="items">Work items of this parameter.</param>
        public void PrepareFused<T>(int items)
            where T : unmanaged, IBinaryFloatingPointIeee754<T>
        {
            ThrowIfDisposed();
            if (!IsFactored)
            {
                return;
            }

            int rank = _shape.Length;
            _columns = (int)_shape[rank - 1];
            _rowsPerBatch = (int)_shape[rank - 2];
            _rows = 1;
            for (int k = 0; k < rank - 1; k++)
            {
                _rows *= _shape[k];
            }

            _columnEntries = (int)(_rows / Math.Max(1, _rowsPerBatch) * _columns);
            if (_rowSums is null || _rowSums.Length < _rows)
            {
                _rowSums = new double[_rows];
                _rowFactors = new T[_rows];
            }

            if (_columnFactors is not T[] factors || factors.Length < _columnEntries)
            {
                _columnFactors = new T[_columnEntries];
            }

            if (_rowFactors is not T[])
            {
                _rowFactors = new T[_rowSums.Length];
            }

            int sums = items * _columnEntries;
            if (_columnSums is null || _columnSums.Length < sums)
            {
                _columnSums = new double[sums];
            }

            Array.Clear(_columnSums, 0, sums);
        }

        /// <summary>Records the sum over row <paramref name="row"/> of <c>x² + eps1</c>.</summary>
        /// <param name="row">The row.</param>
        /// <param name="sum">The sum.</param>
        public void SetRowSum(long row, double sum) => _rowSums![row] = sum;

        /// <summary>Work item <paramref name="ordinal"/>'s column sums of <c>x² + eps1</c> for the batch of <paramref name="row"/>.</summary>
        /// <param name="ordinal">The item's index among this parameter's items.</param>
        /// <param name="row">A row of the item.</param>
        public Span<double> ColumnSums(int ordinal, long row) =>
            _columnSums.AsSpan(ordinal * _columnEntries + (int)(row / _rowsPerBatch) * _columns, _columns);

        /// <summary>
        /// HF's factor update from the gathered sums, in the state's dtype: <c>R ← β·R + (1 − β)·mean_row</c>,
        /// <c>C ← β·C + (1 − β)·mean_column</c> (column sums added in item order), then the row factors
        /// <c>1/sqrt(R/mean(R))</c> (mean per batch) and the column factors <c>1/sqrt(C)</c>. A parameter without elements keeps
        /// its factors.
        /// </summary>
        /// <typeparam name="T">The state's element type.</typeparam>
        /// <param name="items">Work items of this parameter.</param>
        /// <param name="beta2t">This step's decay.</param>
        public void FinishStatistics<T>(int items, double beta2t)
            where T : unmanaged, IBinaryFloatingPointIeee754<T>
        {
            if (_rows * _columns == 0)
            {
                // No elements, no statistics: the factors keep their values (as in Precondition).
                return;
            }

            T beta = T.CreateTruncating(beta2t);
            T keep = T.CreateTruncating(1.0 - beta2t);
            Span<T> row = FusedMemory.Span<T>(_rowMemory.Address(_row!), 0, (int)_rows);
            Span<T> col = FusedMemory.Span<T>(_colMemory.Address(_col!), 0, _columnEntries);
            for (long r = 0; r < _rows; r++)
            {
                row[(int)r] = row[(int)r] * beta + T.CreateTruncating(_rowSums![r] / _columns) * keep;
            }

            for (int c = 0; c < _columnEntries; c++)
            {
                double sum = 0;
                for (int item = 0; item < items; item++)
                {
                    sum += _columnSums![item * _columnEntries + c];
                }

                col[c] = col[c] * beta + T.CreateTruncating(sum / _rowsPerBatch) * keep;
            }

            var rowFactors = (T[])_rowFactors!;
            for (long start = 0; start < _rows; start += _rowsPerBatch)
            {
                double total = 0;
                for (int r = 0; r < _rowsPerBatch; r++)
                {
                    total += double.CreateTruncating(row[(int)(start + r)]);
                }

                T mean = T.CreateTruncating(total / _rowsPerBatch);
                for (int r = 0; r < _rowsPerBatch; r++)
                {
                    rowFactors[start + r] = T.One / T.Sqrt(row[(int)(start + r)] / mean);
                }
            }

            var columnFactors = (T[])_columnFactors!;
            for (int c = 0; c < _columnEntries; c++)
            {
                columnFactors[c] = T.One / T.Sqrt(col[c]);
            }
        }

        /// <summary><c>1/sqrt(R/mean(R))</c> of row <paramref name="row"/> (after <see cref="FinishStatistics{T}"/>).</summary>
        /// <typeparam name="T">The state's element type.</typeparam>
        /// <param name="row">The row.</param>
        public T RowFactor<T>(long row)
            where T : unmanaged => ((T[])_rowFactors!)[row];

        /// <summary><c>1/sqrt(C)</c> for the columns of <paramref name="row"/>'s batch (after <see cref="FinishStatistics{T}"/>).</summary>
        /// <typeparam name="T">The state's element type.</typeparam>
        /// <param name="row">A row.</param>
        public Span<T> ColumnFactors<T>(long row)
            where T : unmanaged => ((T[])_columnFactors!).AsSpan((int)(row / _rowsPerBatch) * _columns, _columns);
    }
}
