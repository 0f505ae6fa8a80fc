using System.Text;
using Microsoft.Extensions.Logging;

namespace Secrets.Policy.Embedded;

/// <summary>
/// The policy file and the rules in force. A change on disk (an in-place write, or a new file
/// renamed into place) is noticed by a directory watcher, debounced, and by a cheap poll of the
/// file's timestamp and size as a fallback. A valid file replaces the rules atomically; an invalid
/// one is reported (<see cref="LastError"/>, a warning in the log) and the last good rules stay in force.
/// </summary>
internal sealed partial class PolicyFile : IDisposable
{
    public const int MaxFileBytes = 4 * 1024 * 1024;
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan DebounceDelay = TimeSpan.FromMilliseconds(200);

    private readonly Lock gate = new();
    private readonly ILogger log;
    private readonly TimeProvider time;
    private readonly TimeSpan pollInterval;
    private readonly bool watch;
    private PolicySet current;
    private string? lastError;
    private FileStamp stamp;
    private (string Text, string? Error) attempted;   // the text last parsed and its error
    private FileSystemWatcher? watcher;
    private ITimer? poll;
    private ITimer? debounce;
    private bool retryRead;
    private bool started;
    private bool disposed;

    /// <param name="path">The policy file.</param>
    /// <param name="initial">What <see cref="Load"/> read from it.</param>
    /// <param name="pollInterval">How often <see cref="Start"/> compares timestamp and size; default <see cref="DefaultPollInterval"/>.</param>
    /// <param name="watch">Whether <see cref="Start"/> also watches the directory (otherwise polling only).</param>
    public PolicyFile(string path, LoadedPolicies initial, ILogger<PolicyFile> log, TimeProvider time, TimeSpan? pollInterval = null, bool watch = true)
    {
        ArgumentNullException.ThrowIfNull(initial);
        FullPath = Path.GetFullPath(path);
        current = initial.Set;
        stamp = initial.Stamp;
        attempted = (initial.Text, null);
        this.log = log;
        this.time = time;
        this.pollInterval = pollInterval ?? DefaultPollInterval;
        this.watch = watch;
    }

    /// <summary>Loads <paramref name="path"/> now; throws <see cref="PolicyLoadException"/> when it is missing or invalid.</summary>
    public static PolicyFile Open(string path, ILogger<PolicyFile> log, TimeProvider time, TimeSpan? pollInterval = null, bool watch = true) =>
        new(path, Load(path), log, time, pollInterval, watch);

    public string FullPath { get; }

    /// <summary>The rules in force.</summary>
    public PolicySet Current => Volatile.Read(ref current);

    /// <summary>Why the last reload failed (the previous rules stay in force), or null when it succeeded.</summary>
    public string? LastError => Volatile.Read(ref lastError);

    /// <summary>Whether a directory watcher reports changes (otherwise only the poll notices them).</summary>
    public bool IsWatching => Volatile.Read(ref watcher) is not null;

    /// <summary>Reads and validates <paramref name="path"/>; throws <see cref="PolicyLoadException"/> when it is missing or invalid.</summary>
    public static LoadedPolicies Load(string path)
    {
        var (source, text, stamp) = Read(path);
        return new LoadedPolicies(PolicyParser.Parse(text, source), stamp, text);
    }

    /// <summary>The file's text and its stamp, taken before reading so that a later change is never missed.</summary>
    private static (string Source, string Text, FileStamp Stamp) Read(string path)
    {
        var source = Path.GetFullPath(path);
        var info = new FileInfo(source);
        if (!info.Exists)
            throw new PolicyLoadException($"{source}: the policy file does not exist (POLICY_PATH)", source) { ReadFailure = true };
        var before = FileStamp.Of(info);
        if (info.Length > MaxFileBytes)
            throw new PolicyLoadException($"{source}: the policy file is larger than {MaxFileBytes / (1024 * 1024)} MiB", source);
        try
        {
            return (source, File.ReadAllText(source, Encoding.UTF8), before);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PolicyLoadException($"{source}: the policy file cannot be read: {e.Message}", source) { ReadFailure = true };
        }
    }

    /// <summary>Starts watching and polling (idempotent) and picks up any change since the file was loaded.</summary>
    public void Start()
    {
        lock (gate)
        {
            if (started || disposed)
                return;
            started = true;
            debounce = time.CreateTimer(_ => Reload(force: true), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            if (watch)
                watcher = TryWatch();
            poll = time.CreateTimer(_ => Reload(force: false), null, pollInterval, pollInterval);
        }
        LogStarted(log, FullPath, Current.Rules.Count, watcher is null ? "polling" : "watching and polling");
        Reload(force: false);
    }

    /// <summary>Reloads the file now, changed or not; true when it was valid and is now in force.</summary>
    public bool ReloadNow() => Reload(force: true);

    private bool Reload(bool force)
    {
        lock (gate)
        {
            if (disposed)
                return false;
            var before = FileStamp.Of(new FileInfo(FullPath));
            if (!force && !retryRead && before == stamp)
                return lastError is null;

            string source, text;
            try
            {
                (source, text, before) = Read(FullPath);
            }
            catch (PolicyLoadException e)
            {
                // missing or unreadable: retried on every poll, reported once; too large: reported once, until it changes
                retryRead = e.ReadFailure;
                if (!e.ReadFailure)
                    stamp = before;
                return Fail(e.Message);
            }
            (stamp, retryRead) = (before, false);

            if (text == attempted.Text)   // touched, or already seen through the other trigger
                return attempted.Error is null ? Succeed(null) : Fail(attempted.Error);
            try
            {
                var set = PolicyParser.Parse(text, source);
                attempted = (text, null);
                return Succeed(set);
            }
            catch (PolicyLoadException e)
            {
                attempted = (text, e.Message);
                return Fail(e.Message);
            }
        }
    }

    /// <summary>Puts <paramref name="set"/> in force (null: the rules in force are the file's already).</summary>
    private bool Succeed(PolicySet? set)
    {
        if (set is null && lastError is null)
            return true;
        if (set is not null)
            Volatile.Write(ref current, set);
        Volatile.Write(ref lastError, null);
        LogReloaded(log, FullPath, current.Rules.Count);
        return true;
    }

    /// <summary>Keeps the rules in force and reports <paramref name="error"/>, once while it stays the same.</summary>
    private bool Fail(string error)
    {
        if (error != lastError)
            LogRejected(log, FullPath, current.Rules.Count, error);
        Volatile.Write(ref lastError, error);
        return false;
    }

    private FileSystemWatcher? TryWatch()
    {
        FileSystemWatcher? w = null;
        try
        {
            w = new FileSystemWatcher(Path.GetDirectoryName(FullPath)!, Path.GetFileName(FullPath))
            {
                IncludeSubdirectories = false,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
            };
            w.Changed += OnChanged;
            w.Created += OnChanged;
            w.Deleted += OnChanged;
            w.Renamed += OnChanged;   // raised when the old or the new name is the file's: rename-into-place
            w.EnableRaisingEvents = true;
            return w;
        }
        catch (Exception e) when (e is IOException or ArgumentException or PlatformNotSupportedException or UnauthorizedAccessException)
        {
            w?.Dispose();
            LogNotWatching(log, FullPath, pollInterval.TotalSeconds, e.Message);   // e.g. the inotify instance limit
            return null;
        }
    }

    private void OnChanged(object sender, FileSystemEventArgs e)
    {
        try
        {
            debounce?.Change(DebounceDelay, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // stopping
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            if (disposed)
                return;
            disposed = true;
            watcher?.Dispose();
            poll?.Dispose();
            debounce?.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Policies from {PolicyPath}: {RuleCount} rules in force; {Mode} for changes")]
    private static partial void LogStarted(ILogger logger, string policyPath, int ruleCount, string mode);

    [LoggerMessage(Level = LogLevel.Information, Message = "Policies reloaded from {PolicyPath}: {RuleCount} rules in force")]
    private static partial void LogReloaded(ILogger logger, string policyPath, int ruleCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Policies in {PolicyPath} not reloaded, the previous {RuleCount} rules stay in force: {PolicyError}")]
    private static partial void LogRejected(ILogger logger, string policyPath, int ruleCount, string policyError);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot watch {PolicyPath} for changes, polling every {PollSeconds} s instead: {Reason}")]
    private static partial void LogNotWatching(ILogger logger, string policyPath, double pollSeconds, string reason);
}
