using System.Text.Json.Serialization;

namespace Uvm.Model.Vm;

/// <summary>
/// One operation of a <see cref="Threads.LoanClient"/>, in order. Pages are numbered over the
/// process's memory: its private anon pages first, then the pages of its shared (shm) segment.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "op")]
[JsonDerivedType(typeof(LoanTouch), "touch")]
[JsonDerivedType(typeof(LoanSend), "send")]
[JsonDerivedType(typeof(LoanSendQueued), "sendQueued")]
[JsonDerivedType(typeof(LoanToAnons), "loanToAnon")]
[JsonDerivedType(typeof(UnloanAnons), "unloanAnons")]
public abstract record LoanOp;

/// <summary>Read or write page <paramref name="Page"/> (a fault if needed; a write breaks a loan).</summary>
public sealed record LoanTouch(int Page, bool Write) : LoanOp
{
    /// <inheritdoc/>
    public override string ToString() => $"{(Write ? "write" : "read")}({Page})";
}

/// <summary>
/// A socket send of pages [<paramref name="Page"/>, <paramref name="Page"/> + <paramref name="Count"/>):
/// uvm_loan(UVM_LOAN_TOPAGE), the network stack transmits the loaned pages, uvm_unloan().
/// </summary>
public sealed record LoanSend(int Page, int Count) : LoanOp
{
    /// <inheritdoc/>
    public override string ToString() => $"send({Page},{Count})";
}

/// <summary>
/// uvm_loan(UVM_LOAN_TOANON) of pages [<paramref name="Page"/>, <paramref name="Page"/> + <paramref name="Count"/>):
/// the anons are held (by a receiver) until <see cref="UnloanAnons"/> or until after the process exits.
/// </summary>
public sealed record LoanToAnons(int Page, int Count) : LoanOp
{
    /// <inheritdoc/>
    public override string ToString() => $"loananon({Page},{Count})";
}

/// <summary>uvm_unloan(UVM_LOAN_TOANON) of every anon loan held so far.</summary>
public sealed record UnloanAnons : LoanOp
{
    /// <inheritdoc/>
    public override string ToString() => "unloananon";
}

/// <summary>
/// sosend() of loaned pages whose mbufs stay queued on the socket: the loans are taken now, and the
/// interface transmits and gives them back (sodoloanfree → uvm_unloan) only after the process has
/// exited and torn down its memory, so the pages it owned are ownerless when their last loan goes.
/// </summary>
public sealed record LoanSendQueued(int Page, int Count) : LoanOp
{
    /// <inheritdoc/>
    public override string ToString() => $"sendq({Page},{Count})";
}
