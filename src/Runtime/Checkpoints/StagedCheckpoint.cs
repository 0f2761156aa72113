using System;
using TorchSharp.Modules;

namespace OptimDsl.Runtime
{
    /// <summary>
    /// A checkpoint read and checked but not applied yet: a new options object per parameter group and a new state per
    /// parameter, built next to the live ones. <see cref="Commit"/> hands every staged value to the live records by
    /// assignments alone (options copied field by field, state fields exchanged), so it cannot fail half-way;
    /// <see cref="Dispose"/> then releases what the live records held before (or, without a commit, the staged values).
    /// </summary>
    internal sealed class StagedCheckpoint : IDisposable
    {
        private readonly CheckpointLayout _live;
        private readonly OptimizerOptions?[] _options;
        private readonly ICheckpointState?[] _states;
        private bool _committed;

        /// <summary>Creates an empty staging area for the live optimizer's records.</summary>
        public StagedCheckpoint(CheckpointLayout live)
        {
            _live = live;
            _options = new OptimizerOptions?[live.Options.Length];
            _states = new ICheckpointState?[live.States.Length];
        }

        /// <summary>The staged options of group <paramref name="group"/> (null: the group keeps its options).</summary>
        public OptimizerOptions? OptionsOf(int group) => _options[group];

        /// <summary>Stages the options of a group.</summary>
        public void SetOptions(int group, OptimizerOptions staged) => _options[group] = staged;

        /// <summary>Stages the state of a parameter; from now on this object disposes it.</summary>
        public void SetState(int index, ICheckpointState staged) => _states[index] = staged;

        /// <summary>Applies every staged record to the live optimizer. Only assignments: nothing here can fail.</summary>
        public void Commit()
        {
            if (_committed)
            {
                throw new InvalidOperationException("A staged checkpoint is applied once.");
            }

            _committed = true;
            for (int g = 0; g < _options.Length; g++)
            {
                if (_options[g] is { } options)
                {
                    _live.Options[g].Adopt(options);
                }
            }

            for (int i = 0; i < _states.Length; i++)
            {
                if (_states[i] is { } state)
                {
                    _live.States[i].Adopt(state);
                }
            }
        }

        /// <summary>Releases the staged states: the checkpoint's values without a commit, the replaced values after one.</summary>
        public void Dispose()
        {
            for (int i = 0; i < _states.Length; i++)
            {
                _states[i]?.Dispose();
                _states[i] = null;
            }
        }
    }
}
