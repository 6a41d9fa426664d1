using System.Globalization;
using Microsoft.Extensions.Primitives;

namespace ActorContext.AspNetCore;

/// <summary>Reads what a client put in the edge's headers, trusting none of it.</summary>
internal static class EdgeHeaders
{
    /// <summary>
    /// Why <paramref name="id"/> cannot be a request ID, or null when it can: 1 to <paramref name="maxLength"/>
    /// visible ASCII characters (<c>!</c> to <c>~</c>). That keeps it safe to echo in a header and to write in a log
    /// line (no spaces, control characters or line breaks), and still takes every common ID format.
    /// </summary>
    /// <remarks>The reason describes the value without quoting it, so a hostile value never reaches a log line.</remarks>
    public static string? RejectRequestId(string? id, int maxLength)
    {
        if (string.IsNullOrEmpty(id))
        {
            return "it is empty";
        }

        if (id.Length > maxLength)
        {
            return $"it has {id.Length} characters, more than {maxLength}";
        }

        for (var i = 0; i < id.Length; i++)
        {
            if (id[i] is < '!' or > '~')
            {
                return $"it has U+{(int)id[i]:X4} at position {i}, and only visible ASCII characters are accepted";
            }
        }

        return null;
    }

    /// <summary>Why a header sent more than once (or as several values) is refused, or null when it has one value.</summary>
    public static string? RejectRepeated(StringValues values) =>
        values.Count > 1 ? $"it was sent {values.Count} times" : null;

    /// <summary>
    /// Reads a budget in whole milliseconds (<c>2500</c>), cut to <paramref name="max"/>; returns false with the reason
    /// when the value is not a non-negative integer.
    /// </summary>
    public static bool TryReadTimeout(StringValues values, TimeSpan max, out TimeSpan budget, out string? problem)
    {
        budget = default;
        problem = RejectRepeated(values);
        if (problem is not null)
        {
            return false;
        }

        var text = values.ToString();
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
        {
            // Too many digits for a long is still a number of milliseconds, just more than any maximum.
            if (text.Length > 0 && text.All(char.IsAsciiDigit))
            {
                budget = max;
                return true;
            }

            problem = $"it is not a whole number of milliseconds ({text.Length} characters)";
            return false;
        }

        budget = ms >= max.TotalMilliseconds ? max : TimeSpan.FromMilliseconds(ms);
        return true;
    }
}
