using System.Security.Cryptography;

namespace ActorContext.ConsoleHost;

/// <summary>The request ID: a context var set once at the edge and read by every hop from its own context.</summary>
internal static class RequestIds
{
    /// <summary>What a hop records when its context holds no request ID (a propagation bug).</summary>
    public const string Missing = "(none)";

    /// <summary>The longest ID a client may choose.</summary>
    public const int MaxLength = 64;

    /// <summary>
    /// The var. Its name is what the logging scope shows: <c>request-id:r-1f2e3d4c5b</c>.
    /// </summary>
    public static readonly ContextVar<string> Current = new("request-id");

    /// <summary>A fresh edge-generated ID, e.g. <c>r-1f2e3d4c5b</c>.</summary>
    public static string New() => "r-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5));

    /// <summary>The ID as this hop's context sees it (never passed in a message).</summary>
    public static string Seen() => Current.Get(Missing);

    /// <summary>Whether a client-supplied ID is acceptable: 1–64 characters of <c>A-Z a-z 0-9 . _ -</c>.</summary>
    public static bool IsValid(ReadOnlySpan<char> id)
    {
        if (id.Length is 0 or > MaxLength)
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
