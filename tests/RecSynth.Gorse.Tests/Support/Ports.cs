using System.Net;
using System.Net.Sockets;

namespace RecSynth.Gorse.Tests;

/// <summary>Ports on 127.0.0.1 for tests that need one nobody listens on.</summary>
internal static class Ports
{
    /// <summary>A port the system just handed out and took back: nothing listens there (until someone binds it again).</summary>
    public static int Unused()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
