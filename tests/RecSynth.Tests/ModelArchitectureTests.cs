using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using RecSynth.Configuration;

namespace RecSynth.Tests;

/// <summary>
/// The model library (RecSynth.dll) does no I/O: no files, console or network. Read from its metadata, so that a
/// reference anywhere in its IL (not only in its public surface) is caught.
/// </summary>
public sealed class ModelArchitectureTests
{
    private static readonly string[] s_forbiddenTypes =
    [
        "System.Console",
        "System.IO.File",
        "System.IO.FileInfo",
        "System.IO.FileStream",
        "System.IO.Directory",
        "System.IO.DirectoryInfo",
        "System.IO.StreamWriter",
        "System.IO.StreamReader",
        "System.IO.Path",
        "System.Diagnostics.Process",
    ];

    private static readonly string[] s_forbiddenNamespaces = ["System.Net"];

    private static readonly string[] s_forbiddenAssemblies = ["System.Net.Http", "System.Console", "System.Net.Sockets", "System.IO.FileSystem"];

    private static readonly Lazy<(List<string> Types, List<string> Members, List<string> Assemblies)> s_references = new(ReadReferences);

    [Fact]
    public void The_model_assembly_is_the_one_read()
    {
        var (types, members, assemblies) = s_references.Value;

        // The reader must see what the model does use, or the checks below would pass on an empty list.
        Assert.Contains("System.Math", types);
        Assert.Contains("System.Threading.Tasks.Parallel", types);
        Assert.Contains(members, m => m.StartsWith("System.Math.", StringComparison.Ordinal));
    }

    [Fact]
    public void The_model_references_no_file_console_or_process_type()
    {
        var (types, members, _) = s_references.Value;
        string[] found = [.. types.Where(t => s_forbiddenTypes.Contains(t, StringComparer.Ordinal)).Concat(
            members.Where(m => s_forbiddenTypes.Any(t => m.StartsWith(t + ".", StringComparison.Ordinal))))];
        Assert.Empty(found);
    }

    [Fact]
    public void The_model_references_no_network_type()
    {
        var (types, _, _) = s_references.Value;
        Assert.DoesNotContain(types, t => s_forbiddenNamespaces.Any(n => t.StartsWith(n + ".", StringComparison.Ordinal)));
    }

    [Fact]
    public void The_model_references_no_network_console_or_file_system_assembly()
    {
        var (_, _, assemblies) = s_references.Value;
        Assert.DoesNotContain(assemblies, a => s_forbiddenAssemblies.Contains(a, StringComparer.OrdinalIgnoreCase));
    }

    private static (List<string> Types, List<string> Members, List<string> Assemblies) ReadReferences()
    {
        string path = typeof(RecSynthOptions).Assembly.Location;
        Assert.EndsWith("RecSynth.dll", path, StringComparison.Ordinal);
        using var stream = System.IO.File.OpenRead(path);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();

        var types = reader.TypeReferences.Select(h => FullName(reader, h)).ToList();
        var members = new List<string>();
        foreach (var handle in reader.MemberReferences)
        {
            var member = reader.GetMemberReference(handle);
            string? parent = member.Parent.Kind switch
            {
                HandleKind.TypeReference => FullName(reader, (TypeReferenceHandle)member.Parent),
                HandleKind.TypeSpecification => GenericTypeName(reader, (TypeSpecificationHandle)member.Parent),
                _ => null,
            };
            if (parent is not null)
            {
                members.Add(parent + "." + reader.GetString(member.Name));
            }
        }

        var assemblies = reader.AssemblyReferences.Select(h => reader.GetString(reader.GetAssemblyReference(h).Name)).ToList();
        return (types, members, assemblies);
    }

    private static string FullName(MetadataReader reader, TypeReferenceHandle handle)
    {
        var type = reader.GetTypeReference(handle);
        string name = reader.GetString(type.Name);
        if (type.ResolutionScope.Kind == HandleKind.TypeReference)
        {
            return FullName(reader, (TypeReferenceHandle)type.ResolutionScope) + "+" + name;
        }

        string ns = reader.GetString(type.Namespace);
        return ns.Length == 0 ? name : ns + "." + name;
    }

    /// <summary>The generic type behind a type specification such as List&lt;int&gt; (its blob starts GENERICINST, CLASS|VALUETYPE, type).</summary>
    private static string? GenericTypeName(MetadataReader reader, TypeSpecificationHandle handle)
    {
        var blob = reader.GetBlobReader(reader.GetTypeSpecification(handle).Signature);
        if (blob.ReadSignatureTypeCode() != SignatureTypeCode.GenericTypeInstance)
        {
            return null;
        }

        blob.ReadSignatureTypeCode(); // CLASS or VALUETYPE
        var type = blob.ReadTypeHandle();
        return type.Kind == HandleKind.TypeReference ? FullName(reader, (TypeReferenceHandle)type) : null;
    }
}
