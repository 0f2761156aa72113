namespace OptimDsl.Runtime
{
    /// <summary>
    /// One unit of work of a fused pass: a range of one tensor's elements (or, for kernels that walk rows, of its rows).
    /// Ranges start at fixed offsets whatever the thread count, so every reduction sums in the same order on 1 or N threads.
    /// </summary>
    /// <param name="Tensor">Index of the tensor in its <see cref="FusedBatch{TTensor}"/>.</param>
    /// <param name="Ordinal">Index of this item among its tensor's items (0 for the first).</param>
    /// <param name="Start">First element (or row) of the range.</param>
    /// <param name="Count">Number of elements (or rows).</param>
    public readonly record struct FusedWorkItem(int Tensor, int Ordinal, long Start, int Count);

    /// <summary>A fused pass over one work item of a batch.</summary>
    /// <typeparam name="TTensor">The generated per-tensor record.</typeparam>
    /// <param name="batch">The batch.</param>
    /// <param name="item">The index of the work item.</param>
    public delegate void FusedKernel<TTensor>(FusedBatch<TTensor> batch, int item)
        where TTensor : struct;
}
