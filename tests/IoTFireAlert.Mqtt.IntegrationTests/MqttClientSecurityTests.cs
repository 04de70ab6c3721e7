using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using IoTFireAlert.TestSupport;

namespace IoTFireAlert.Mqtt.IntegrationTests;

public sealed class MqttClientSecurityTests
{
    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Connect_WrongPassword_ThrowsWithBrokerReasonCode(MqttProtocolVersion version)
    {
        var dir = ReadableTempDirectory("iotfire-pw-");
        try
        {
            var passwords = Path.Combine(dir, "passwords");
            File.WriteAllText(passwords, "");
            using (var tool = Process.Start(ServerProcess.Require("mosquitto_passwd", "mosquitto"), ["-b", passwords, "station", "s3cret"]))
            {
                await tool.WaitForExitAsync();
                Assert.Equal(0, tool.ExitCode);
            }

            using var broker = MosquittoBroker.Start(listenerConfig: $"listener {{port}} 127.0.0.1\nallow_anonymous false\npassword_file {passwords}");
            var options = Clients.Options(broker, "pw-" + version, version);
            options.Username = "station";
            options.Password = "wrong";
            await using var bad = new MqttClient(options);

            var error = await Assert.ThrowsAsync<MqttConnectException>(() => bad.ConnectAsync());

            Assert.Contains(error.ReasonCode, new[] { MqttReasonCode.BadUserNameOrPassword, MqttReasonCode.NotAuthorized });
            options.Password = "s3cret";
            await using var good = new MqttClient(options);
            var result = await good.ConnectAsync();
            Assert.Equal(MqttReasonCode.Success, result.ReasonCode);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Tls_PrivateCaAndClientCertificate_ConnectsAndRejectsUnknownCa()
    {
        var dir = ReadableTempDirectory("iotfire-tls-");
        try
        {
            using var caKey = RSA.Create(2048);
            var caRequest = new CertificateRequest("CN=IoTFireAlert Test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
            using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));

            using var serverCert = Issue(ca, "CN=localhost", server: true, out var serverKey);
            using var clientCert = Issue(ca, "CN=iotfire-client", server: false, out var clientKey);
            File.WriteAllText(Path.Combine(dir, "ca.pem"), ca.ExportCertificatePem());
            File.WriteAllText(Path.Combine(dir, "server.pem"), serverCert.ExportCertificatePem());
            File.WriteAllText(Path.Combine(dir, "server.key"), serverKey.ExportPkcs8PrivateKeyPem());

            using var broker = MosquittoBroker.Start(listenerConfig:
                $"listener {{port}} 127.0.0.1\nallow_anonymous true\ncafile {dir}/ca.pem\ncertfile {dir}/server.pem\nkeyfile {dir}/server.key\nrequire_certificate true");
            using var clientWithKey = clientCert.CopyWithPrivateKey(clientKey);
            // SslStream on Linux wants the client certificate's key in a persisted form.
            using var clientPfx = X509CertificateLoader.LoadPkcs12(clientWithKey.Export(X509ContentType.Pkcs12, ""), "");

            var options = Clients.Options(broker, "tls-client");
            options.Tls = new MqttTlsOptions { CaCertificate = ca, ClientCertificate = clientPfx, TargetHost = "localhost" };
            await using (var client = await Clients.ConnectAsync(options))
            {
                await client.SubscribeAsync([new MqttSubscription("tls/#", MqttQualityOfService.AtLeastOnce)]);
                await client.PublishAsync("tls/1", "secure"u8.ToArray());
                var received = await Clients.ReceiveAsync(client, 1);
                Assert.Equal("secure"u8.ToArray(), received[0].Payload);
            }

            using var otherKey = RSA.Create(2048);
            using var otherCa = new CertificateRequest("CN=Other CA", otherKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
                .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
            var untrusted = Clients.Options(broker, "tls-untrusted");
            untrusted.Tls = new MqttTlsOptions { CaCertificate = otherCa, ClientCertificate = clientPfx, TargetHost = "localhost" };
            await using var rejected = new MqttClient(untrusted);
            await Assert.ThrowsAsync<System.Security.Authentication.AuthenticationException>(() => rejected.ConnectAsync());

            serverKey.Dispose();
            clientKey.Dispose();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Mosquitto started as root drops to its own user, so the files it reads must be world-readable.</summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static string ReadableTempDirectory(string prefix)
    {
        var dir = Path.Combine(Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        return dir;
    }

    private static X509Certificate2 Issue(X509Certificate2 ca, string subject, bool server, out RSA key)
    {
        key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid(server ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
        if (server)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName("localhost");
            names.AddIpAddress(System.Net.IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
        }

        var serial = new byte[8];
        RandomNumberGenerator.Fill(serial);
        return request.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(10), serial);
    }
}
