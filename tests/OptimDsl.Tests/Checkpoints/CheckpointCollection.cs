using Xunit;

namespace OptimDsl.Tests.Checkpoints
{
    /// <summary>
    /// The checkpoint tests run on their own, after the parallel collections. They allocate a lot (thousands of small
    /// optimizers, snapshots and checkpoint copies), and frequent garbage collections during other tests' steps expose a
    /// race in TorchSharp 0.107: overloads such as <c>Tensor.add_(Tensor)</c> pass a temporary <c>Scalar</c>'s handle to
    /// native code without keeping the <c>Scalar</c> alive, so a collection on another thread can finalize it mid-call
    /// ("Expected false to be true ... toDouble"). Seen in the reference replays while these tests ran beside them.
    /// </summary>
    [CollectionDefinition(Name, DisableParallelization = true)]
    public sealed class CheckpointCollection
    {
        public const string Name = "Checkpoints";
    }
}
