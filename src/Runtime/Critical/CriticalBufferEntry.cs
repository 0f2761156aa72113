namespace OptimDsl.Runtime
{
    /// <summary>
    /// One stored entry of a <see cref="CriticalBuffer"/>, as read by <see cref="CriticalBuffer.Snapshot"/>: where its values
    /// are, its priority now, and when it was stored.
    /// </summary>
    /// <param name="Slot">The row of <see cref="CriticalBuffer.Values"/> that holds the entry's values
    /// (<c>0 ≤ Slot &lt; Capacity</c>); <see cref="CriticalBuffer.ReadEntry"/> returns a copy of them.</param>
    /// <param name="Priority">The entry's priority now: the priority it was offered with (the gradient norm of its step, summed
    /// over the parameter group with <c>synced</c>), multiplied by the decay once per step since, the step that stored it
    /// included: <c>offered · decay^(Age + 1)</c> when the optimizer decays after every offer, as the generated step does. A
    /// slot buffer keeps its priorities in the dtype of the first priority it was offered (the gradient's dtype, e.g.
    /// float32); the value here is that number, converted exactly to a double.</param>
    /// <param name="InsertedAt">The number of the offer that stored the entry, counted as <see cref="CriticalBuffer.StepsSeen"/>
    /// counts them (1 for the buffer's first offer; one offer per step in which the parameter had a gradient).</param>
    /// <param name="Age">How many offers the buffer has received since the one that stored the entry:
    /// <c>StepsSeen − InsertedAt</c>, so 0 for an entry stored by the last step. With <c>max_age = D</c>, the next step drops
    /// the entries whose age is D or more before it aggregates.</param>
    public readonly record struct CriticalBufferEntry(int Slot, double Priority, long InsertedAt, long Age);
}
