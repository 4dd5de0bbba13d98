using System.Globalization;

namespace RecSynth.Gorse.Internals;

/// <summary>
/// The times of a feedback row's later events, carried in its <c>Comment</c> after the recommendation types
/// (docs/gorse.md, "What push sends"): <c>cf,image;+3600,+86400</c> is a row of three events, at its Timestamp and one
/// hour and one day after it. Gorse keeps one time per (type, user, product); with these a log read back from a Gorse
/// that <c>push</c> loaded is the dataset's own, repeated events and all (docs/fitting.md).
/// </summary>
internal static class EventTimes
{
    /// <summary>
    /// Longest comment written with times (characters, all ASCII): MySQL's <c>text</c> holds 65,535 bytes. A key with
    /// more events than fit (thousands) gets its recommendation types alone, and is read back as Gorse holds it.
    /// </summary>
    public const int MaxCommentLength = 60_000;

    /// <summary>Largest offset read (about 317 years): beyond it the comment is not times.</summary>
    private const long MaxOffsetSeconds = 10_000_000_000;

    /// <summary>
    /// The comment of a row standing for the events at <paramref name="times"/> (Unix seconds; sorted here, in place, so
    /// that <c>times[0]</c> is the row's Timestamp): <paramref name="recTypes"/>, then <c>;</c> and each later event's
    /// seconds after the first as <c>+N</c>, comma-separated; the types alone for one event, or when the times would
    /// pass <see cref="MaxCommentLength"/>.
    /// </summary>
    public static string Comment(string recTypes, Span<long> times)
    {
        times.Sort();
        if (times.Length < 2)
        {
            return recTypes;
        }

        long length = recTypes.Length;
        foreach (long time in times[1..])
        {
            length += 2 + Digits(time - times[0]); // ";+" or ",+", then the number
        }

        if (length > MaxCommentLength)
        {
            return recTypes;
        }

        Span<char> text = length <= 512 ? stackalloc char[512] : new char[length];
        recTypes.CopyTo(text);
        int at = recTypes.Length;
        for (int i = 1; i < times.Length; i++)
        {
            text[at++] = i == 1 ? ';' : ',';
            text[at++] = '+';
            (times[i] - times[0]).TryFormat(text[at..], out int written, default, CultureInfo.InvariantCulture);
            at += written;
        }

        return new string(text[..at]);
    }

    private static int Digits(long value)
    {
        int digits = 1;
        for (; value >= 10; value /= 10)
        {
            digits++;
        }

        return digits;
    }

    /// <summary>
    /// The times of a row's <paramref name="events"/> events into <paramref name="times"/> (cleared first): the row's
    /// <paramref name="first"/>, then the offsets its comment carries after it. True only when the comment ends in
    /// exactly <paramref name="events"/> − 1 of them, each <c>+N</c> whole seconds, ascending; else
    /// <paramref name="times"/> is left empty.
    /// </summary>
    public static bool TryRead(string comment, long first, long events, List<long> times)
    {
        times.Clear();
        int semicolon = comment.LastIndexOf(';');
        if (events < 2 || semicolon < 0)
        {
            return false;
        }

        times.Add(first);
        var rest = comment.AsSpan(semicolon + 1);
        long previous = 0;
        foreach (var range in rest.Split(','))
        {
            var part = rest[range];
            if (part.Length < 2 || part[0] != '+' || !long.TryParse(part[1..], NumberStyles.None, CultureInfo.InvariantCulture, out long offset)
                || offset < previous || offset > MaxOffsetSeconds || times.Count == events)
            {
                times.Clear();
                return false;
            }

            times.Add(first + offset);
            previous = offset;
        }

        if (times.Count != events)
        {
            times.Clear();
            return false;
        }

        return true;
    }
}
