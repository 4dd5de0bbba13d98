using System.Buffers;
using System.Runtime.ExceptionServices;

namespace RecSynth.Files.Internals;

/// <summary>
/// Produces chunks on several threads and hands them, strictly in order, to a consumer on the calling thread and
/// (optionally) to an observer on a thread of its own — e.g. writing and hashing, the two sequential halves of
/// saving a large file, run side by side. At most a few chunks are in flight, so memory does not grow with the
/// file, and the output never depends on the number of threads.
/// </summary>
internal static class OrderedPipeline
{
    public static void Run(
        int chunkCount,
        int threads,
        Action<int, ArrayBufferWriter<byte>> produce,
        Action<int, ReadOnlySpan<byte>> consume,
        Action<ReadOnlySpan<byte>>? observe,
        CancellationToken cancellationToken)
    {
        if (chunkCount == 0)
        {
            return;
        }

        threads = Math.Clamp(threads, 1, chunkCount);
        int window = 2 * threads + 2;
        var ready = new ArrayBufferWriter<byte>?[chunkCount];
        var users = new int[chunkCount]; // how many of consumer and observer still need chunk i
        var free = new Stack<ArrayBufferWriter<byte>>();
        var gate = new object();
        int inFlight = 0; // claimed and not yet recycled; guarded by gate (a Monitor, not a spinning semaphore:
                          // waiting producers must leave the core to the writer and the hasher)
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Exception? failure = null;
        int next = -1; // last claimed chunk; guarded by gate

        void Fail(Exception e)
        {
            lock (gate)
            {
                failure ??= e;
                Monitor.PulseAll(gate);
            }

            stop.Cancel();
        }

        void Produce()
        {
            try
            {
                while (true)
                {
                    int index;
                    ArrayBufferWriter<byte> buffer;
                    lock (gate)
                    {
                        while (inFlight >= window && !stop.IsCancellationRequested)
                        {
                            Monitor.Wait(gate);
                        }

                        index = ++next;
                        if (index >= chunkCount || stop.IsCancellationRequested)
                        {
                            return;
                        }

                        inFlight++;
                        buffer = free.Count > 0 ? free.Pop() : new ArrayBufferWriter<byte>(1 << 20);
                    }

                    buffer.ResetWrittenCount();
                    produce(index, buffer);
                    lock (gate)
                    {
                        ready[index] = buffer;
                        users[index] = observe is null ? 1 : 2;
                        Monitor.PulseAll(gate);
                    }
                }
            }
            catch (Exception e)
            {
                Fail(e);
            }
        }

        // Waits for chunk i, hands it to the action, then recycles it once nobody else needs it.
        bool Take(int i, Action<ReadOnlySpan<byte>> action)
        {
            ArrayBufferWriter<byte> chunk;
            lock (gate)
            {
                while (ready[i] is null && failure is null && !stop.IsCancellationRequested)
                {
                    Monitor.Wait(gate, 100);
                }

                if (ready[i] is null)
                {
                    return false;
                }

                chunk = ready[i]!;
            }

            action(chunk.WrittenSpan);
            lock (gate)
            {
                if (--users[i] == 0)
                {
                    ready[i] = null;
                    free.Push(chunk);
                    inFlight--;
                }

                Monitor.PulseAll(gate);
            }

            return true;
        }

        var workers = new List<Thread>(threads + 1);
        for (int t = 0; t < threads; t++)
        {
            workers.Add(new Thread(Produce) { IsBackground = true, Name = "recsynth-worker-" + t });
        }

        if (observe is not null)
        {
            workers.Add(new Thread(() =>
            {
                try
                {
                    for (int i = 0; i < chunkCount && Take(i, observe); i++)
                    {
                    }
                }
                catch (Exception e)
                {
                    Fail(e);
                }
            }) { IsBackground = true, Name = "recsynth-observer" });
        }

        workers.ForEach(w => w.Start());
        try
        {
            for (int i = 0; i < chunkCount; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!Take(i, data => consume(i, data)))
                {
                    break;
                }
            }

            // Let the observer finish the last chunks.
            lock (gate)
            {
                while (observe is not null && failure is null && users[chunkCount - 1] > 0 && ready[chunkCount - 1] is not null)
                {
                    Monitor.Wait(gate, 100);
                }
            }
        }
        catch (Exception e)
        {
            Fail(e);
        }
        finally
        {
            stop.Cancel();
            lock (gate)
            {
                Monitor.PulseAll(gate);
            }

            workers.ForEach(w => w.Join());
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (failure is not null)
        {
            ExceptionDispatchInfo.Capture(failure).Throw();
        }
    }
}
