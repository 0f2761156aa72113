namespace OptimDsl.Generator.Model
{
    // Mirrors of the public enums in OptimDsl.Dsl (same names and numeric values; a test keeps them in sync).
    // The generator reads attribute arguments as integers and must not load the Dsl assembly.
    internal enum WeightDecayMode { L2 = 0, Decoupled = 1 }

    internal enum WeightDecayOrder { BeforeCriticalBuffer = 0, AfterCriticalBuffer = 1 }

    internal enum MomentInput { Gradient = 0, Preconditioned = 1 }

    internal enum EpsilonPlacement { OutsideSqrt = 0, InsideSqrt = 1 }

    internal enum CriticalSource { Gradient = 0, Momentum = 1 }

    internal enum KappaUse { Weight = 0, Switch = 1 }

    internal enum CriticalBufferStructure { Slots = 0, Heap = 1 }

    internal enum AggregationRule { Sum = 0, Mid = 1, Mean = 2, BufferMeanOnly = 3 }

    internal enum CriticalFirstStep { Unaggregated = 0, NoOp = 1 }

    internal enum CriticalSum { Running = 0, Recompute = 1 }
}
