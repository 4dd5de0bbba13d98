using System.Collections.Immutable;
using System.Globalization;
using System.Text;

namespace RecSynth.Outside.Internals;

/// <summary>
/// Splits a command into words as a POSIX shell would (sh, "Token Recognition" and "Quoting"), without running one:
/// blanks separate words; '…' keeps everything literally; "…" keeps everything but \" \\ \$ \` and a
/// backslash-newline; a backslash outside quotes keeps the next character. There are no expansions, so the characters
/// a shell would act on (| &amp; ; &lt; &gt; ( ) $ `) are refused unquoted rather than passed on as words the user did not mean.
/// </summary>
internal static class CommandLine
{
    private const string Operators = "|&;<>()$`";

    /// <summary>The words of <paramref name="text"/>, or null and why not.</summary>
    public static ImmutableArray<string>? Split(string text, out string? error)
    {
        error = null;
        var words = ImmutableArray.CreateBuilder<string>();
        var word = new StringBuilder();
        bool inWord = false; // a word has begun (an empty quoted word '' still counts)
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (c is ' ' or '\t' or '\n')
            {
                End();
                i++;
            }
            else if (c == '\'')
            {
                int close = text.IndexOf('\'', i + 1);
                if (close < 0)
                {
                    error = Unterminated('\'', i);
                    return null;
                }

                word.Append(text, i + 1, close - i - 1);
                inWord = true;
                i = close + 1;
            }
            else if (c == '"')
            {
                int j = i + 1;
                while (j < text.Length && text[j] != '"')
                {
                    if (text[j] == '\\' && j + 1 < text.Length && text[j + 1] is '"' or '\\' or '$' or '`' or '\n')
                    {
                        if (text[j + 1] != '\n')
                        {
                            word.Append(text[j + 1]);
                        }

                        j += 2;
                    }
                    else
                    {
                        word.Append(text[j]);
                        j++;
                    }
                }

                if (j >= text.Length)
                {
                    error = Unterminated('"', i);
                    return null;
                }

                inWord = true;
                i = j + 1;
            }
            else if (c == '\\')
            {
                if (i + 1 < text.Length)
                {
                    if (text[i + 1] != '\n')
                    {
                        word.Append(text[i + 1]);
                        inWord = true;
                    }

                    i += 2;
                }
                else
                {
                    // A lone backslash at the very end stays itself, as in sh -c 'echo a\'.
                    word.Append(c);
                    inWord = true;
                    i++;
                }
            }
            else if (Operators.Contains(c, StringComparison.Ordinal))
            {
                error = string.Create(CultureInfo.InvariantCulture,
                    $"{c} at position {i + 1} would mean something to a shell, but exec: runs none; quote it ('{c}') to pass it on, or run a shell: exec:sh -c '…'");
                return null;
            }
            else
            {
                word.Append(c);
                inWord = true;
                i++;
            }
        }

        End();
        return words.ToImmutable();

        void End()
        {
            if (inWord)
            {
                words.Add(word.ToString());
                word.Clear();
                inWord = false;
            }
        }
    }

    private static string Unterminated(char quote, int position) => string.Create(CultureInfo.InvariantCulture,
        $"the {quote} at position {position + 1} is never closed");
}
