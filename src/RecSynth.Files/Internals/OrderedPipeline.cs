using System.Buffers;

namespace RecSynth.Files.Internals;

/// <summary>
/// Produces chunks on several threads and consumes them on the calling thread strictly in order, with a
/// bounded number in flight. Output therefore never depends on the number of threads, and memory is a
/// few chunks, whatever the size of the file.
/// </summary>
internal static class OrderedPipeline
{
    public static void Run(
        int chunkCount,
        int threads,
        Action<int, ArrayBufferWriter<byte>> produce,
        Action<int, ReadOnlySpan<byte>> consume,
        CancellationToken cancellationToken)
    {
        if (chunkCount == 0)
        {
            return;
        }

        threads = Math.Clamp(threads, 1, chunkCount);
        int window = 2 * threads + 2;
        var ready = new ArrayBufferWriter<byte>?[chunkCount];
        var free = new Stack<ArrayBufferWriter<byte>>();
        var gate = new object();
        using var capacity = new SemaphoreSlim(window);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Exception? failure = null;
        int next = -1;

        void Work()
        {
            try
            {
                while (true)
                {
                    capacity.Wait(stop.Token);
                    int index = Interlocked.Increment(ref next);
                    if (index >= chunkCount)
                    {
                        return;
                    }

                    ArrayBufferWriter<byte> buffer;
                    lock (gate)
                    {
                        buffer = free.Count > 0 ? free.Pop() : new ArrayBufferWriter<byte>(1 << 20);
                    }

                    buffer.ResetWrittenCount();
                    produce(index, buffer);
                    lock (gate)
                    {
                        ready[index] = buffer;
                        Monitor.PulseAll(gate);
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // Stopped by the consumer (done, failed or cancelled): it reports what happened.
            }
            catch (Exception e)
            {
                lock (gate)
                {
                    failure ??= e;
                    Monitor.PulseAll(gate);
                }

                stop.Cancel();
            }
        }

        var workers = new Thread[threads];
        for (int t = 0; t < threads; t++)
        {
            workers[t] = new Thread(Work) { IsBackground = true, Name = "recsynth-worker-" + t };
            workers[t].Start();
        }

        try
        {
            for (int i = 0; i < chunkCount; i++)
            {
                ArrayBufferWriter<byte> chunk;
                lock (gate)
                {
                    while (ready[i] is null && failure is null)
                    {
                        Monitor.Wait(gate, 100);
                        cancellationToken.ThrowIfCancellationRequested();
                    }

                    if (failure is not null)
                    {
                        break;
                    }

                    chunk = ready[i]!;
                    ready[i] = null;
                }

                consume(i, chunk.WrittenSpan);
                lock (gate)
                {
                    free.Push(chunk);
                }

                capacity.Release();
            }
        }
        catch
        {
            stop.Cancel();
            throw;
        }
        finally
        {
            stop.Cancel();
            foreach (var worker in workers)
            {
                worker.Join();
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        }
    }
}
