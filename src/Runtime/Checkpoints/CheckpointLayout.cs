using System;
using TorchSharp.Modules;

namespace OptimDsl.Runtime
{
    /// <summary>
    /// The live optimizer as a checkpoint sees it, taken from its <c>state_dict()</c>: the options record of each parameter
    /// group and the state record of each parameter, in TorchSharp's order (groups in order, each group's parameters in
    /// order), and which group each parameter belongs to.
    /// </summary>
    internal sealed class CheckpointLayout
    {
        private CheckpointLayout(ICheckpointOptions[] options, ICheckpointState[] states, int[] groupSizes)
        {
            Options = options;
            States = states;
            GroupSizes = groupSizes;
            GroupOf = new int[states.Length];
            PositionOf = new int[states.Length];
            int i = 0;
            for (int g = 0; g < groupSizes.Length; g++)
            {
                for (int p = 0; p < groupSizes[g]; p++, i++)
                {
                    GroupOf[i] = g;
                    PositionOf[i] = p;
                }
            }
        }

        /// <summary>Each group's options, in group order.</summary>
        public ICheckpointOptions[] Options { get; }

        /// <summary>Each parameter's state, groups in order, each group's parameters in order.</summary>
        public ICheckpointState[] States { get; }

        /// <summary>Number of parameters of each group.</summary>
        public int[] GroupSizes { get; }

        /// <summary>The group of each parameter (by its index in <see cref="States"/>).</summary>
        public int[] GroupOf { get; }

        /// <summary>The position of each parameter in its group.</summary>
        public int[] PositionOf { get; }

        /// <summary>The location of parameter <paramref name="index"/> under <paramref name="at"/>.</summary>
        public CheckpointLocation At(CheckpointLocation at, int index) => at.ForParameter(GroupOf[index], PositionOf[index], index, States[index].Parameter);

        /// <summary>Reads the layout of a generated optimizer.</summary>
        /// <param name="optimizer">The optimizer; its options and states must be generated records.</param>
        public static CheckpointLayout Of(OptimizerHelper optimizer)
        {
            var dictionary = optimizer.state_dict();
            var options = new ICheckpointOptions[dictionary.Options.Count];
            for (int g = 0; g < options.Length; g++)
            {
                options[g] = dictionary.Options[g] as ICheckpointOptions
                    ?? throw new InvalidOperationException(optimizer.GetType().Name + ": the options of parameter group " + g + " (" + dictionary.Options[g]?.GetType().FullName + ") are not an OptimDsl checkpoint record.");
            }

            var states = new ICheckpointState[dictionary.State.Count];
            for (int i = 0; i < states.Length; i++)
            {
                states[i] = dictionary.State[i] as ICheckpointState
                    ?? throw new InvalidOperationException(optimizer.GetType().Name + ": the state of parameter " + i + " (" + dictionary.State[i]?.GetType().FullName + ") is not an OptimDsl checkpoint record.");
            }

            var sizes = new int[options.Length];
            for (int g = 0; g < sizes.Length; g++)
            {
                sizes[g] = dictionary.StateIndexRef[g].Count;
            }

            return new CheckpointLayout(options, states, sizes);
        }
    }
}
