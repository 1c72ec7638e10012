namespace Uvm.Model.Core;

/// <summary>
/// Every nondeterministic choice of the model goes through here, so that the explorer controls it
/// and a schedule replays. Actors implement it with Coyote's RandomBoolean/RandomInteger; unit
/// tests with a scripted sequence. Never use System.Random, the clock or the thread pool instead.
/// </summary>
public interface IChoice
{
    /// <summary>A controlled coin flip.</summary>
    bool Boolean();

    /// <summary>A controlled integer in [0, maxExclusive).</summary>
    int Integer(int maxExclusive);
}
