namespace ShipSec.Shared.Sdk;

/// <summary>A process ended with an exit code its component treats as failure.</summary>
public sealed class ProcessExitCodeException : Exception
{
    /// <summary>A process's failing exit code, with a message naming it.</summary>
    public ProcessExitCodeException(string fileName, int exitCode)
        : base($"'{fileName}' exited with code {exitCode}.") => ExitCode = exitCode;

    /// <summary>A failing exit code without detail.</summary>
    public ProcessExitCodeException() { }

    /// <summary>A message only.</summary>
    public ProcessExitCodeException(string message) : base(message) { }

    /// <summary>A failing exit code caused by another exception.</summary>
    public ProcessExitCodeException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>The exit code.</summary>
    public int ExitCode { get; }
}
