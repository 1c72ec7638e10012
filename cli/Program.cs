using Uvm.Cli;

// uvmcheck: exit 0 = clean, 1 = a violation was found (or reproduced), 2 = usage or input error.
return Cli.Run(args, Console.Out, Console.Error);
