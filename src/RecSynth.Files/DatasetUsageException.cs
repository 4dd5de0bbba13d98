namespace RecSynth.Files;

/// <summary>
/// The request cannot be carried out as asked (a non-empty output folder without force, a dataset too large for
/// this machine…). Nothing was written. The command line maps this to exit code 2.
/// </summary>
public sealed class DatasetUsageException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DatasetUsageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a cause.</summary>
    public DatasetUsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public DatasetUsageException()
        : base("the dataset cannot be generated as requested")
    {
    }
}
