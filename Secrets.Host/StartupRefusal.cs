namespace Secrets.Host;

/// <summary>
/// The end of a start the service refuses: the settings checks throw <see cref="InvalidOperationException"/> with a
/// message that names the setting (never its value). Unhandled, the runtime would print a stack trace and abort
/// (SIGABRT, exit 134), which a service manager reads as a crash and retries; instead the reason goes to stderr and the
/// process exits with <see cref="ExitCode"/>.
/// </summary>
internal static class StartupRefusal
{
    /// <summary>EX_CONFIG of sysexits.h: a configuration error.</summary>
    public const int ExitCode = 78;

    public static void Exit(object exception)
    {
        if (exception is not InvalidOperationException refusal)
            return;   // anything else is a fault: the runtime's own report, with its stack trace
        Console.Error.WriteLine($"Secrets.Host: refused to start: {refusal.Message}");
        Console.Error.Flush();
        Environment.Exit(ExitCode);
    }
}
