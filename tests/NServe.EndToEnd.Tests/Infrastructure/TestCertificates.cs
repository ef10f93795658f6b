using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace NServe.EndToEnd.Tests.Infrastructure;

/// <summary>A throwaway CA with a server certificate for 127.0.0.1/localhost and a client certificate.</summary>
public sealed class TestCertificates : IDisposable
{
    public TestCertificates()
    {
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=NServe Test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        Ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-2), DateTimeOffset.UtcNow.AddDays(60));

        (Server, ServerKeyPem) = Issue("CN=localhost", server: true);
        (Client, _) = Issue("CN=nserve-client", server: false);
    }

    public X509Certificate2 Ca { get; }

    public X509Certificate2 Server { get; }

    public string ServerKeyPem { get; }

    /// <summary>The client certificate with its private key.</summary>
    public X509Certificate2 Client { get; }

    /// <summary>An SSLConfig file text as TF Serving reads it (PEM texts inline).</summary>
    public string SslConfig(bool clientVerify) =>
        $"server_key: {Quote(ServerKeyPem)}\nserver_cert: {Quote(Server.ExportCertificatePem())}\n" +
        $"custom_ca: {Quote(Ca.ExportCertificatePem())}\nclient_verify: {(clientVerify ? "true" : "false")}\n";

    /// <summary>A handler that trusts only the test CA, optionally presenting the client certificate.</summary>
    public SocketsHttpHandler Handler(bool presentClientCertificate)
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
        {
            if (certificate is null)
            {
                return false;
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(Ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(new X509Certificate2(certificate));
        };
        if (presentClientCertificate)
        {
            handler.SslOptions.ClientCertificates = [Client];
        }

        return handler;
    }

    public void Dispose()
    {
        Ca.Dispose();
        Server.Dispose();
        Client.Dispose();
    }

    private (X509Certificate2 Certificate, string KeyPem) Issue(string subject, bool server)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid(server ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
        if (server)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName("localhost");
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
        }

        using var issued = request.Create(Ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30), RandomNumberGenerator.GetBytes(8));
        var withKey = issued.CopyWithPrivateKey(key);

        // Re-import so the key is usable for client authentication on Linux.
        var usable = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        withKey.Dispose();
        return (usable, key.ExportPkcs8PrivateKeyPem());
    }

    private static string Quote(string text) =>
        "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) + "\"";
}
