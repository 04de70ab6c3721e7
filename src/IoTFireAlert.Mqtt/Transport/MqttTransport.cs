using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace IoTFireAlert.Mqtt.Transport;

/// <summary>Opens the byte stream to the broker: TCP, optionally wrapped in TLS.</summary>
internal static class MqttTransport
{
    public static async Task<Stream> ConnectAsync(MqttClientOptions options, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (options.ReceiveThread && options.Tls is null)
            {
                // A blocking connect on a thread of its own: an asynchronous one would register the socket
                // with the socket engine for good (see MqttSocketStream). The timeout is kept by waiting
                // here; the catch below closes the socket, which ends a connect still in progress.
                var connecting = Task.Factory.StartNew(() => socket.Connect(options.Host, options.Port), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
                try
                {
                    await connecting.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    _ = connecting.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                    throw;
                }

                return new MqttSocketStream(socket);
            }

            await socket.ConnectAsync(options.Host, options.Port, cancellationToken).ConfigureAwait(false);
            var stream = new NetworkStream(socket, ownsSocket: true);
            if (options.Tls is null)
            {
                return stream;
            }

            var tls = options.Tls;
            var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
            try
            {
                var authentication = new SslClientAuthenticationOptions
                {
                    TargetHost = tls.TargetHost ?? options.Host,
                    EnabledSslProtocols = tls.Protocols,
                    RemoteCertificateValidationCallback = (_, certificate, _, errors) => Validate(tls, certificate, errors),
                };
                if (tls.ClientCertificate is not null)
                {
                    authentication.ClientCertificates = [tls.ClientCertificate];
                }

                await ssl.AuthenticateAsClientAsync(authentication, cancellationToken).ConfigureAwait(false);
                return ssl;
            }
            catch
            {
                await ssl.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// With a private CA the chain must end at exactly that CA (CustomRootTrust), and the
    /// host name must still match: trusting a CA is not trusting every name it signed.
    /// </summary>
    private static bool Validate(MqttTlsOptions tls, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (tls.AllowUntrusted)
        {
            return true;
        }

        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNotAvailable | SslPolicyErrors.RemoteCertificateNameMismatch)) != 0)
        {
            return false;
        }

        if (tls.CaCertificate is null)
        {
            return errors == SslPolicyErrors.None;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(tls.CaCertificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }
}
