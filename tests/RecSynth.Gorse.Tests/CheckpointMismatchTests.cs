using RecSynth.Gorse.Internals;

namespace RecSynth.Gorse.Tests;

/// <summary>The refusal of a resume when several things differ, or when the checkpoint is too old to say which.</summary>
public sealed class CheckpointMismatchTests
{
    private static PushCheckpoint.State Push(int batchSize, bool embeddings, long productsBytes) => new()
    {
        Fingerprint = $"{batchSize}{embeddings}{productsBytes}",
        Endpoint = "http://127.0.0.1:8088/",
        BatchSize = batchSize,
        WithEmbeddings = embeddings,
        WithGroundTruth = false,
        Files = new(StringComparer.Ordinal) { ["products.csv"] = new() { Bytes = productsBytes, Modified = new DateTime(2026, 12, 1, 10, 0, 0, DateTimeKind.Utc) } },
    };

    [Fact]
    public void Each_difference_has_a_line_and_one_command_line_fixes_them_all()
    {
        string message = PushCheckpoint.Mismatch("data/gorse-push.checkpoint.json", Push(500, false, 100), Push(1000, true, 100));

        Assert.Equal(
            """
            cannot resume from data/gorse-push.checkpoint.json:
              the checkpoint was made with --batch-size 500; this run has --batch-size 1000
              the checkpoint was made without --with-embeddings; this run has it
              pass --batch-size 500 and leave out --with-embeddings or drop --resume to push everything again
            """.ReplaceLineEndings("\n"),
            message);
    }

    [Fact]
    public void A_changed_file_leaves_only_a_fresh_push()
    {
        string message = PushCheckpoint.Mismatch("c.json", Push(500, false, 100), Push(1000, false, 120));

        Assert.Contains("products.csv has changed since the checkpoint was made (then 100 bytes modified 2026-12-01T10:00:00.000Z, now 120 bytes", message, StringComparison.Ordinal);
        Assert.EndsWith("\n  drop --resume to push everything again", message, StringComparison.Ordinal);
        Assert.DoesNotContain("pass --batch-size", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_checkpoint_that_records_only_the_server_and_batch_size_blames_the_files_or_label_options()
    {
        var old = new PushCheckpoint.State { Fingerprint = "old", Endpoint = "http://127.0.0.1:8088/", BatchSize = 1000 };

        string message = PushCheckpoint.Mismatch("c.json", old, Push(1000, false, 100));

        Assert.Equal("cannot resume from c.json: the checkpoint was made from other files or label options (--with-embeddings, --with-ground-truth) than this run's: drop --resume to push everything again", message);
    }
}
