namespace RecSynth.Examples.OutsidePolicy;

/// <summary>The exec transport: a JSON message per line on stdin, its answer on one line on stdout, until stdin closes.</summary>
internal static class ExecTransport
{
    public static void Run(Stream input, Stream output, Conversation conversation)
    {
        byte[] buffer = new byte[1 << 16];
        int start = 0, end = 0, scanned = 0; // buffer[start..end) is unread; no newline in [start, scanned)
        while (true)
        {
            int newline = buffer.AsSpan(scanned, end - scanned).IndexOf((byte)'\n');
            if (newline < 0)
            {
                if (start > 0)
                {
                    buffer.AsSpan(start, end - start).CopyTo(buffer);
                    end -= start;
                    start = 0;
                }

                if (end == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2); // choose messages of 10,000 sessions take a few MB
                }

                scanned = end;
                int read = input.Read(buffer, end, buffer.Length - end);
                if (read == 0)
                {
                    if (end > start)
                    {
                        Answer(buffer.AsMemory(start, end - start), output, conversation); // a last line without '\n'
                    }

                    return;
                }

                end += read;
                continue;
            }

            newline += scanned;
            Answer(buffer.AsMemory(start, newline - start), output, conversation);
            start = scanned = newline + 1;
        }
    }

    private static void Answer(ReadOnlyMemory<byte> line, Stream output, Conversation conversation)
    {
        if (line.Span.Trim(" \t\r"u8).IsEmpty)
        {
            return;
        }

        output.Write(conversation.Answer(line));
        output.WriteByte((byte)'\n');
        output.Flush();
    }
}
