namespace RecSynth.Testing;

/// <summary>A fresh, empty database on a throwaway server: its name, a .NET driver connection string, and the URL Gorse's <c>data_store</c> takes.</summary>
internal sealed record TestDatabase(string Name, string ConnectionString, string GorseUrl);
