namespace Uvm.Scenarios;

/// <summary>
/// Bad input from a user: a malformed or mismatched file, an invalid workload, a bad value. The
/// message is one line that says what is wrong and where; the CLI prints it and exits 2.
/// </summary>
public sealed class InputException(string message) : Exception(message);
