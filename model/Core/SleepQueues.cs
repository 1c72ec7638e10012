namespace Uvm.Model.Core;

/// <summary>
/// The sleep queues (kern_synch.c): who sleeps on which channel, and the threads that a wakeup in
/// the current step made runnable. The actor that ran the step delivers those wakeups as events.
/// </summary>
/// <remarks>
/// Only the channels someone sleeps on are kept, each with its queue linked through the sleepers
/// themselves (<see cref="KernelThread.NextSleeper"/>), as the kernel's sleep queues link struct
/// lwp through l_forw. A channel leaves the table with its last sleeper, so the table is never
/// longer than the threads asleep at once and is searched in a few compares; sleeping and waking
/// then allocate nothing, where a queue object per channel ever slept on cost every schedule
/// its own list and a growing dictionary.
/// </remarks>
public sealed class SleepQueues : IStateShown
{
    /// <summary>One channel's sleep queue: its first and last sleeper, in the order they went to sleep.</summary>
    private struct ChannelQueue
    {
        public WaitChannel Channel;
        public KernelThread First, Last;
    }

    /// <summary>The channels with sleepers, in no order; the first <see cref="_count"/> are in use.</summary>
    [NotState("shown by Show: the table's order (channels in the order first slept on, less removals) decides nothing, as every lookup is by channel")]
    private ChannelQueue[] _queues = new ChannelQueue[8];

    /// <summary>How many of <see cref="_queues"/> are in use.</summary>
    [NotState("shown by Show")]
    private int _count;

    /// <summary>Threads woken during the current step, not yet told.</summary>
    private readonly List<KernelThread> _woken = [];

    /// <summary>Threads woken during the current step; <see cref="TakeWoken"/> clears it.</summary>
    public IReadOnlyList<KernelThread> Woken => _woken;

    /// <summary>The channel a thread sleeps on, or null if it is not asleep.</summary>
    public WaitChannel? ChannelOf(KernelThread thread) => thread.SleepingOn;

    /// <summary>tsleep(): put the thread at the end of the channel's queue.</summary>
    public void Enqueue(KernelThread thread, WaitChannel channel)
    {
        // A thread is on one queue at most: it goes to sleep only while runnable.
        if (thread.SleepingOn is { } already)
            throw new InvalidOperationException($"{thread.Name} is already asleep on {already}, cannot sleep on {channel}");
        thread.NextSleeper = null;
        int i = IndexOf(channel);
        if (i >= 0)
        {
            _queues[i].Last.NextSleeper = thread;
            _queues[i].Last = thread;
        }
        else
        {
            if (_count == _queues.Length) Array.Resize(ref _queues, _count * 2);
            _queues[_count++] = new ChannelQueue { Channel = channel, First = thread, Last = thread };
        }
        thread.SleepingOn = channel;
    }

    /// <summary>wakeup(chan): every thread asleep on the channel becomes runnable, in the order they went to sleep.</summary>
    public void Wakeup(WaitChannel channel)
    {
        // The queue leaves the table before anyone is woken: a kthread woken here may only be made
        // runnable and queued for a CPU (Kthread.Woken), which puts it to sleep on its own
        // run-queue channel. Should a woken thread sleep on this channel again, it would be woken
        // too, after the others, as it would at the end of the one queue being walked.
        for (int i = IndexOf(channel); i >= 0; i = IndexOf(channel))
        {
            var t = _queues[i].First;
            RemoveAt(i);
            while (t is not null)
            {
                var next = t.NextSleeper;
                t.NextSleeper = null;
                t.SleepingOn = null;
                if (t.Woken(channel)) _woken.Add(t);
                t = next;
            }
        }
    }

    /// <summary>Takes a sleeping thread off its channel's queue without waking it (it is about to sleep elsewhere).</summary>
    public void Dequeue(KernelThread thread)
    {
        if (thread.SleepingOn is { } c && IndexOf(c) is var i and >= 0) Unlink(i, thread);
        thread.SleepingOn = null;
    }

    /// <summary>Moves a sleeping thread to another channel: it goes on sleeping, now there.</summary>
    public void Move(KernelThread thread, WaitChannel to)
    {
        Dequeue(thread);
        Enqueue(thread, to);
    }

    /// <summary>True when some thread sleeps on the channel.</summary>
    public bool HasSleepers(WaitChannel channel) => IndexOf(channel) >= 0;

    /// <summary>The queues that hold a sleeper, by channel name, each in its order (wakeup order).</summary>
    public void Show(IStateMixer state)
    {
        var order = new int[_count];
        for (int i = 0; i < _count; i++) order[i] = i;
        Array.Sort(order, (a, b) => string.CompareOrdinal(_queues[a].Channel.Name, _queues[b].Channel.Name));
        state.Value(_count);
        foreach (int i in order)
        {
            state.Text(_queues[i].Channel.Name);
            for (var t = _queues[i].First; t is not null; t = t.NextSleeper) state.Ref(t);
            state.Value(-1);
        }
    }

    /// <summary>Hands the woken threads to the caller and forgets them.</summary>
    public void TakeWoken(List<KernelThread> into)
    {
        if (_woken.Count == 0) return; // most steps wake nobody
        into.AddRange(_woken);
        _woken.Clear();
    }

    /// <summary>Where <paramref name="channel"/>'s queue is in the table, or -1 when nobody sleeps on it.</summary>
    private int IndexOf(WaitChannel channel)
    {
        for (int i = 0; i < _count; i++)
            if (_queues[i].Channel == channel) return i;
        return -1;
    }

    /// <summary>Takes <paramref name="thread"/> out of queue <paramref name="i"/>, and the queue out of the table if it was its last sleeper.</summary>
    private void Unlink(int i, KernelThread thread)
    {
        ref var q = ref _queues[i];
        KernelThread? before = null;
        for (var t = q.First; t is not null; before = t, t = t.NextSleeper)
        {
            if (t != thread) continue;
            if (before is not null)
            {
                before.NextSleeper = t.NextSleeper;
                if (q.Last == t) q.Last = before;
            }
            else if (t.NextSleeper is { } second) q.First = second;
            else RemoveAt(i);
            t.NextSleeper = null;
            return;
        }
    }

    /// <summary>Drops queue <paramref name="i"/> from the table (the last one takes its place).</summary>
    private void RemoveAt(int i)
    {
        _queues[i] = _queues[--_count];
        _queues[_count] = default;
    }
}
