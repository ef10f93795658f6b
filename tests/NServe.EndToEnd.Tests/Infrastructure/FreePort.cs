using System.Net;
using System.Net.Sockets;

namespace NServe.EndToEnd.Tests.Infrastructure;

/// <summary>Asks the OS for a port nobody is listening on.</summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
