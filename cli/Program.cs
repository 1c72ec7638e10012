using Uvm.Cli;

// uvmcheck: exit 0 = clean, 1 = a violation was found (or reproduced), 2 = usage or input error.
// SIGINT/SIGTERM: run and shrink stop, report and keep what they found (exit 130/143, or 1 for a bug).
using var interrupt = Interrupt.Listen();
return Cli.Run(args, Console.Out, Console.Error, interrupt);
