using System;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace OptimDsl.Runtime
{
    /// <summary>
    /// The tensors of one parameter group that take the fused path in one step, and their work items: each tensor is cut
    /// into ranges of about <see cref="ChunkElements"/> elements (small tensors are one item each), and a pass runs every item
    /// of every tensor in one parallel loop over <c>torch.get_num_threads()</c> threads. Reused from step to step: after the
    /// first steps a pass allocates no tensor and no array.
    /// </summary>
    /// <typeparam name="TTensor">The generated record of what the kernels need of one tensor (addresses, scalars, flags).</typeparam>
    public sealed class FusedBatch<TTensor>
        where TTensor : struct
    {
        /// <summary>Elements per work item: large enough to amortise the hand-off, small enough to balance two threads.</summary>
        public const int ChunkElements = 1 << 15;

        private TTensor[] _tensors = new TTensor[8];

        static FusedBatch()
        {
            // The kernels test FusedVector's static readonly flags in their loops. Initialised before any kernel is compiled,
            // they are constants to the JIT; otherwise a kernel compiled before their first use keeps a class-initialisation
            // call in its loop, and a call there makes the JIT keep the loop's vectors in the stack frame.
            RuntimeHelpers.RunClassConstructor(typeof(FusedVector).TypeHandle);
        }

        private int[] _firstItem = new int[8];
        private FusedWorkItem[] _items = new FusedWorkItem[8];
        private double[] _partials = Array.Empty<double>();
        private int _partialWidth;
        private int _itemCount;
        private FusedKernel<TTensor>? _running;
        private int _next;
        private Action<int>? _worker;
        private ParallelOptions? _parallel;

        /// <summary>Number of tensors in the batch.</summary>
        public int Count { get; private set; }

        /// <summary>Number of work items of all tensors.</summary>
        public int ItemCount => _itemCount;

        /// <summary>Empties the batch (keeps its storage).</summary>
        public void Clear()
        {
            Count = 0;
            _itemCount = 0;
        }

        /// <summary>
        /// Adds a tensor of <paramref name="units"/> units of <paramref name="unitElements"/> elements each (1 for element-wise
        /// kernels; the row length for kernels that walk rows) and returns its record, cleared, to fill in.
        /// </summary>
        /// <param name="units">Elements, or rows.</param>
        /// <param name="unitElements">Elements per unit (at least 1).</param>
        public ref TTensor Add(long units, long unitElements)
        {
            if (Count == _tensors.Length)
            {
                Array.Resize(ref _tensors, Count * 2);
                Array.Resize(ref _firstItem, Count * 2);
            }

            int index = Count++;
            _tensors[index] = default;
            _firstItem[index] = _itemCount;
            long unitsPerItem = Math.Max(1, ChunkElements / Math.Max(1, unitElements));
            int ordinal = 0;
            for (long start = 0; start < units; start += unitsPerItem)
            {
                if (_itemCount == _items.Length)
                {
                    Array.Resize(ref _items, _itemCount * 2);
                }

                _items[_itemCount++] = new FusedWorkItem(index, ordinal++, start, (int)Math.Min(unitsPerItem, units - start));
            }

            return ref _tensors[index];
        }

        /// <summary>The record of tensor <paramref name="index"/>.</summary>
        /// <param name="index">A tensor index.</param>
        public ref TTensor Tensor(int index) => ref _tensors[index];

        /// <summary>Work item <paramref name="item"/>.</summary>
        /// <param name="item">A work item index.</param>
        public ref readonly FusedWorkItem Item(int item) => ref _items[item];

        /// <summary>Number of work items of tensor <paramref name="index"/>.</summary>
        /// <param name="index">A tensor index.</param>
        public int ItemsOf(int index) => (index + 1 < Count ? _firstItem[index + 1] : _itemCount) - _firstItem[index];

        /// <summary>
        /// Makes room for <paramref name="width"/> partial results per work item, all zero, for a reduction pass: each item
        /// writes its own (<see cref="Partials"/>), and <see cref="SumPartials"/> adds them in item order afterwards.
        /// </summary>
        /// <param name="width">Partial results per item.</param>
        public void ResetPartials(int width)
        {
            int needed = width * _itemCount;
            if (_partials.Length < needed)
            {
                _partials = new double[Math.Max(needed, _partials.Length * 2)];
            }

            _partialWidth = width;
            Array.Clear(_partials, 0, needed);
        }

        /// <summary>The partial results of work item <paramref name="item"/> (see <see cref="ResetPartials"/>).</summary>
        /// <param name="item">A work item index.</param>
        public Span<double> Partials(int item) => _partials.AsSpan(item * _partialWidth, _partialWidth);

        /// <summary>The sum, in item order, of partial result <paramref name="lane"/> over the items of tensor <paramref name="index"/>.</summary>
        /// <param name="index">A tensor index.</param>
        /// <param name="lane">Which partial result.</param>
        public double SumPartials(int index, int lane)
        {
            int first = _firstItem[index];
            int end = first + ItemsOf(index);
            double sum = 0;
            for (int item = first; item < end; item++)
            {
                sum += _partials[item * _partialWidth + lane];
            }

            return sum;
        }

        /// <summary>
        /// Runs <paramref name="kernel"/> on every work item, on <c>torch.get_num_threads()</c> threads (the calling thread
        /// included); items are handed out in order as threads become free. An exception in a kernel is rethrown as is.
        /// </summary>
        /// <param name="kernel">The pass.</param>
        public void Run(FusedKernel<TTensor> kernel)
        {
            int threads = Math.Min(TorchSharp.torch.get_num_threads(), _itemCount);
            if (threads <= 1)
            {
                for (int item = 0; item < _itemCount; item++)
                {
                    kernel(this, item);
                }

                return;
            }

            _running = kernel;
            _next = -1;
            _worker ??= _ => Work();
            _parallel ??= new ParallelOptions();
            _parallel.MaxDegreeOfParallelism = threads;
            try
            {
                Parallel.For(0, threads, _parallel, _worker);
            }
            catch (AggregateException e) when (e.InnerExceptions.Count == 1)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            }
            finally
            {
                _running = null;
            }
        }

        private void Work()
        {
            FusedKernel<TTensor> kernel = _running!;
            int item;
            while ((item = Interlocked.Increment(ref _next)) < _itemCount)
            {
                kernel(this, item);
            }
        }
    }
}
