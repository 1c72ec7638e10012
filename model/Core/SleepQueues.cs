namespace Uvm.Model.Core;

/// <summary>
/// The sleep queues (kern_synch.c): who sleeps on which channel, and the threads that a wakeup in
/// the current step made runnable. The actor that ran the step delivers those wakeups as events.
/// </summary>
public sealed class SleepQueues : IStateShown
{
    /// <summary>Sleeping threads by channel, in the order they went to sleep.</summary>
    [NotState("shown by Show: the order in which channels were first slept on, and the empty queues left behind, decide nothing; nothing walks the channels")]
    private readonly Dictionary<WaitChannel, List<KernelThread>> _sleepers = [];

    /// <summary>Threads woken during the current step, not yet told.</summary>
    private readonly List<KernelThread> _woken = [];

    /// <summary>Threads woken during the current step; <see cref="TakeWoken"/> clears it.</summary>
    public IReadOnlyList<KernelThread> Woken => _woken;

    /// <summary>The channel a thread sleeps on, or null if it is not asleep.</summary>
    public WaitChannel? ChannelOf(KernelThread thread) => thread.SleepingOn;

    /// <summary>tsleep(): put the thread on the channel's queue.</summary>
    public void Enqueue(KernelThread thread, WaitChannel channel)
    {
        if (!_sleepers.TryGetValue(channel, out var queue))
            _sleepers[channel] = queue = [];
        queue.Add(thread);
        thread.SleepingOn = channel;
    }

    /// <summary>wakeup(chan): every thread asleep on the channel becomes runnable.</summary>
    public void Wakeup(WaitChannel channel)
    {
        if (!_sleepers.TryGetValue(channel, out var queue) || queue.Count == 0) return;
        // A kthread woken here may only be made runnable and queued for a CPU (Kthread.Woken): it
        // then sleeps on its own run-queue channel, never this one, so this queue stays as it is.
        for (int i = 0; i < queue.Count; i++)
        {
            var t = queue[i];
            t.SleepingOn = null;
            if (t.Woken(channel)) _woken.Add(t);
        }
        queue.Clear();
    }

    /// <summary>Takes a sleeping thread off its channel's queue without waking it (it is about to sleep elsewhere).</summary>
    public void Dequeue(KernelThread thread)
    {
        if (thread.SleepingOn is { } c && _sleepers.TryGetValue(c, out var queue)) queue.Remove(thread);
        thread.SleepingOn = null;
    }

    /// <summary>Moves a sleeping thread to another channel: it goes on sleeping, now there.</summary>
    public void Move(KernelThread thread, WaitChannel to)
    {
        Dequeue(thread);
        Enqueue(thread, to);
    }

    /// <summary>True when some thread sleeps on the channel.</summary>
    public bool HasSleepers(WaitChannel channel) => _sleepers.TryGetValue(channel, out var q) && q.Count > 0;

    /// <summary>The queues that hold a sleeper, by channel name, each in its order (wakeup order).</summary>
    public void Show(IStateMixer state)
    {
        var busy = new List<(string Channel, List<KernelThread> Queue)>();
        foreach (var (channel, queue) in _sleepers)
            if (queue.Count > 0) busy.Add((channel.Name, queue));
        busy.Sort(static (a, b) => string.CompareOrdinal(a.Channel, b.Channel));
        state.Value(busy.Count);
        foreach (var (channel, queue) in busy)
        {
            state.Text(channel);
            state.Value(queue.Count);
            foreach (var t in queue) state.Ref(t);
        }
    }

    /// <summary>Hands the woken threads to the caller and forgets them.</summary>
    public void TakeWoken(List<KernelThread> into)
    {
        if (_woken.Count == 0) return; // most steps wake nobody
        into.AddRange(_woken);
        _woken.Clear();
    }
}
