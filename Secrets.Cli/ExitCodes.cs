using System.Net;

namespace Secrets.Cli;

/// <summary>The exit code of each error class (docs/CLI.md#exit-codes): scripts branch on it without parsing text.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;
    public const int Unauthenticated = 3;
    public const int Denied = 4;
    public const int NotFound = 5;
    public const int Conflict = 6;
    public const int Unavailable = 7;
    public const int ServiceError = 8;
    public const int Unreachable = 9;

    /// <summary>A problem answer's class: 400 usage, 401, 403, 404, 409/412/428, 429/503, other 5xx and 501.</summary>
    public static int For(HttpStatusCode status) => (int)status switch
    {
        400 or 413 or 415 => Usage,
        401 => Unauthenticated,
        403 => Denied,
        404 => NotFound,
        409 or 412 or 428 => Conflict,
        429 or 503 => Unavailable,
        >= 500 => ServiceError,
        _ => Failed,
    };
}
