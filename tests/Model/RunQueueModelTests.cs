using FsCheck;
using FsCheck.Fluent;
using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Model.Sched;

namespace Uvm.Tests.Model;

/// <summary>
/// Model-based test of the run queue and its primitives against a reference: a plain FIFO list and
/// a set of running LWPs. Random sequences of setrunqueue / remrunqueue / cpu_switch / preempt must
/// agree with the reference, and panic exactly when the reference says the kernel would.
/// </summary>
public sealed class RunQueueModelTests
{
    private enum Op { SetRunQueue, RemRunQueue, Switch, Preempt }

    /// <summary>300 sequences of up to ~30 operations on 3 LWPs and 2 CPUs: every op meets every state many times.</summary>
    [Fact]
    public void RunQueueAgreesWithAFifoReference()
    {
        var ops = Gen.ListOf(Gen.Zip(Gen.Elements(Op.SetRunQueue, Op.RemRunQueue, Op.Switch, Op.Preempt), Gen.Choose(0, 2)));
        Prop.ForAll(ops.ToArbitrary(), seq => Agrees([.. seq])).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    private static bool Agrees(IReadOnlyList<(Op Op, int Index)> seq)
    {
        var k = KernelFixture.WithLwps(3);
        var fifo = new List<Lwp>(k.Lwps);
        foreach (var (op, i) in seq)
        {
            var l = k.Lwps[i];
            var cpu = k.Cpus[i % 2];
            bool expectPanic = op switch
            {
                Op.SetRunQueue => fifo.Contains(l) || l.Stat != LwpStat.Run,
                Op.RemRunQueue => !fifo.Contains(l),
                Op.Switch => cpu.Current is not null,
                Op.Preempt => cpu.Current is null,
                _ => false,
            };
            if (op is Op.Switch or Op.Preempt && expectPanic) continue;
            try
            {
                switch (op)
                {
                    case Op.SetRunQueue: Scheduler.SetRunQueue(k, l); fifo.Add(l); break;
                    case Op.RemRunQueue: Scheduler.RemRunQueue(k, l); fifo.Remove(l); l.Stat = LwpStat.Stop; break;
                    case Op.Switch:
                        var head = fifo.Count > 0 ? fifo[0] : null;
                        if (Scheduler.CpuSwitch(k, cpu) != head) return false;
                        if (head is not null) fifo.RemoveAt(0);
                        break;
                    case Op.Preempt:
                        var running = cpu.Current!;
                        cpu.Current = null;
                        running.Stat = LwpStat.Run;
                        Scheduler.SetRunQueue(k, running);
                        fifo.Add(running);
                        break;
                }
                if (expectPanic) return false;
            }
            catch (KernelPanicException)
            {
                if (!expectPanic) return false;
                if (op == Op.SetRunQueue && l.Stat == LwpStat.Stop) l.Stat = LwpStat.Run;
            }
            if (!k.RunQueue.Lwps.SequenceEqual(fifo) || k.Lwps.Any(x => x.OnRunQueue != fifo.Contains(x))) return false;
        }
        return true;
    }
}
