namespace OptimDsl.Generator.Emission
{
    /// <summary>Fully qualified names used by generated code.</summary>
    internal static class Names
    {
        public const string Tensor = "global::TorchSharp.torch.Tensor";
        public const string Parameter = "global::TorchSharp.Modules.Parameter";
        public const string Torch = "global::TorchSharp.torch";
        public const string Scalar = "global::TorchSharp.Scalar";
        public const string OptimizerHelper = "global::TorchSharp.Modules.OptimizerHelper";
        public const string OptimizerOptions = "global::TorchSharp.Modules.OptimizerOptions";
        public const string OptimizerState = "global::TorchSharp.Modules.OptimizerState";
        public const string BaseParamGroup = "global::TorchSharp.Modules.ParamGroup";
        public const string IBetas = "global::TorchSharp.torch.optim.IBetas";
        public const string IMomentum = "global::TorchSharp.torch.optim.IMomentum";
        public const string IEnumerable = "global::System.Collections.Generic.IEnumerable";
        public const string List = "global::System.Collections.Generic.List";
        public const string BinaryWriter = "global::System.IO.BinaryWriter";
        public const string BinaryReader = "global::System.IO.BinaryReader";
        public const string Device = "global::TorchSharp.torch.Device";
        public const string StateTensors = "global::OptimDsl.Runtime.StateTensors";
        public const string Arguments = "global::OptimDsl.Runtime.Arguments";
        public const string CriticalBuffer = "global::OptimDsl.Runtime.CriticalBuffer";
        public const string CriticalPriority = "global::OptimDsl.Runtime.CriticalPriority";
        public const string StateDictionary = "global::TorchSharp.torch.optim.Optimizer.StateDictionary";
        public const string OptimizerCheckpoint = "global::OptimDsl.Runtime.OptimizerCheckpoint";
        public const string ICheckpointRecord = "global::OptimDsl.Runtime.ICheckpointRecord";
        public const string ICheckpointOptions = "global::OptimDsl.Runtime.ICheckpointOptions";
        public const string ICheckpointState = "global::OptimDsl.Runtime.ICheckpointState";
        public const string CheckpointLocation = "global::OptimDsl.Runtime.CheckpointLocation";
        public const string CheckpointFields = "global::OptimDsl.Runtime.CheckpointFields";
        public const string CheckpointTensors = "global::OptimDsl.Runtime.CheckpointTensors";
        public const string CriticalBufferCheckpoint = "global::OptimDsl.Runtime.CriticalBufferCheckpoint";
        public const string GeneratedCode = "global::System.CodeDom.Compiler.GeneratedCode";
    }
}
