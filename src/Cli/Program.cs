using ShipSec.Cli;

return await ShipSecCommandLine.InvokeAsync(args);
