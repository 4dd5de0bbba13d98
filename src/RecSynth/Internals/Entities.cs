namespace RecSynth.Internals;

/// <summary>Fills an array of seeded entities in parallel; each entity depends only on its index, so the result does not depend on the threads.</summary>
internal static class Entities
{
    private const int Chunk = 4096;

    public static T[] Create<T>(int count, Func<int, T> create, CancellationToken cancellationToken) =>
        Create(count, create, new ParallelOptions { CancellationToken = cancellationToken });

    public static T[] Create<T>(int count, Func<int, T> create, ParallelOptions parallel)
    {
        var entities = new T[count];
        Parallel.For(0, (count + Chunk - 1) / Chunk, parallel, chunk =>
        {
            int end = Math.Min(count, (chunk + 1) * Chunk);
            for (int i = chunk * Chunk; i < end; i++)
            {
                entities[i] = create(i);
            }
        });
        return entities;
    }
}
