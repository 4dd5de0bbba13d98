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
    /// The comment of a row: <paramref name="recTypes"/>, then <c>;</c> and each later event's seconds after the first
    /// (<paramref name="offsets"/>, ascending, none negative) as <c>+N</c>, comma-separated; the types alone when there
    /// is no later event or the times would pass <see cref="MaxCommentLength"/>.
    /// </summary>
    public static string Comment(string recTypes, ReadOnlySpan<long> offsets)
    {
        if (offsets.IsEmpty)
        {
            return recTypes;
        }

        long length = recTypes.Length;
        foreach (long offset in offsets)
        {
            length += 2 + Digits(offset); // ";+" or ",+", then the number
        }

        if (length > MaxCommentLength)
        {
            return recTypes;
        }

        Span<char> text = length <= 512 ? stackalloc char[512] : new char[length];
        recTypes.CopyTo(text);
        int at = recTypes.Length;
        for (int i = 0; i < offsets.Length; i++)
        {
            text[at++] = i == 0 ? ';' : ',';
            text[at++] = '+';
            offsets[i].TryFormat(text[at..], out int written, default, CultureInfo.InvariantCulture);
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
    /// Reads the later events' offsets from a comment into <paramref name="offsets"/> (cleared first): true only when it
    /// ends in exactly <paramref name="later"/> of them, each <c>+N</c> whole seconds, ascending.
    /// </summary>
    public static bool TryRead(string comment, long later, List<long> offsets)
    {
        offsets.Clear();
        int semicolon = comment.LastIndexOf(';');
        if (later < 1 || semicolon < 0)
        {
            return false;
        }

        var rest = comment.AsSpan(semicolon + 1);
        long previous = 0;
        foreach (var range in rest.Split(','))
        {
            var part = rest[range];
            if (part.Length < 2 || part[0] != '+' || !long.TryParse(part[1..], NumberStyles.None, CultureInfo.InvariantCulture, out long offset)
                || offset < previous || offset > MaxOffsetSeconds || offsets.Count == later)
            {
                offsets.Clear();
                return false;
            }

            offsets.Add(offset);
            previous = offset;
        }

        if (offsets.Count != later)
        {
            offsets.Clear();
            return false;
        }

        return true;
    }
}
