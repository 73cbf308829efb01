namespace ShipSec.LocalHost;

/// <summary>Entry point of the one-machine host.</summary>
public static class Program
{
    /// <summary>Builds and runs the host until Ctrl-C.</summary>
    public static Task Main(string[] args) => LocalHostApp.Create(args).RunAsync();
}
