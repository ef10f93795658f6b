using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using NServe.Core.Config.TextFormat;
using NServe.Core.Errors;
using Tensorflow.Serving;

namespace NServe.Server.Security;

/// <summary>
/// TLS for one port from a TF Serving SSLConfig file (PEM texts inline): the server's key and certificate,
/// and with <c>client_verify</c> mutual TLS, clients presenting a certificate issued by <c>custom_ca</c>.
/// </summary>
public sealed class TlsSettings
{
    private TlsSettings(X509Certificate2 certificate, X509Certificate2Collection? clientRoots, bool requireClientCertificate)
    {
        Certificate = certificate;
        ClientRoots = clientRoots;
        RequireClientCertificate = requireClientCertificate;
    }

    public X509Certificate2 Certificate { get; }

    public X509Certificate2Collection? ClientRoots { get; }

    public bool RequireClientCertificate { get; }

    /// <summary>Reads and checks the file; a problem is an error naming the file, raised at startup.</summary>
    public static TlsSettings Load(string path)
    {
        SSLConfig config;
        try
        {
            config = TextFormatParser.Parse<SSLConfig>(File.ReadAllText(path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or TextFormatException)
        {
            throw ServingException.InvalidArgument($"Invalid SSL config file {path}: {(ex as TextFormatException)?.ParseErrorMessage ?? ex.Message}");
        }

        if (config.ServerCert.Length == 0 || config.ServerKey.Length == 0)
        {
            throw ServingException.InvalidArgument($"SSL config file {path} must set server_cert and server_key");
        }

        try
        {
            // Kestrel on Linux wants a certificate whose key it can use directly: re-import through PKCS#12.
            using var pem = X509Certificate2.CreateFromPem(config.ServerCert, config.ServerKey);
            var certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
            X509Certificate2Collection? roots = null;
            if (config.CustomCa.Length > 0)
            {
                roots = [];
                roots.ImportFromPem(config.CustomCa);
            }

            if (config.ClientVerify && roots is null)
            {
                throw ServingException.InvalidArgument($"SSL config file {path} sets client_verify but no custom_ca to verify clients against");
            }

            return new TlsSettings(certificate, roots, config.ClientVerify);
        }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            throw ServingException.InvalidArgument($"SSL config file {path} holds an unusable certificate or key: {ex.Message}");
        }
    }

    /// <summary>Kestrel's HTTPS options for this port.</summary>
    public void Apply(HttpsConnectionAdapterOptions https)
    {
        https.ServerCertificate = Certificate;
        if (!RequireClientCertificate)
        {
            https.ClientCertificateMode = ClientCertificateMode.NoCertificate;
            return;
        }

        https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
        https.ClientCertificateValidation = (certificate, _, _) => IsIssuedByCustomCa(certificate);
    }

    private bool IsIssuedByCustomCa(X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(ClientRoots!);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }
}
