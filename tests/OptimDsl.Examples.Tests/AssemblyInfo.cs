using Xunit;

// The tests change process-wide state (the current culture, Console.Error) and run TorchSharp, whose 0.107 operators can
// lose a temporary Scalar to the garbage collector when other threads allocate (examples/Landscapes/Functions/TensorArithmetic.cs):
// one test at a time. The whole project runs in seconds.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
