using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using IoTFireAlert.Mqtt;

namespace IoTFireAlert.Simulator.Cli;

/// <summary>The broker options every verb that talks MQTT shares: --broker host:port, --username/--password, --tls [--ca FILE].</summary>
public sealed class BrokerOptions
{
    public Option<string> Broker { get; } = new("--broker") { Description = "The MQTT broker, host:port (1883 when no port)", Required = true };
    public Option<string?> Username { get; } = new("--username") { Description = "MQTT user name" };
    public Option<string?> Password { get; } = new("--password") { Description = "MQTT password" };
    public Option<bool> Tls { get; } = new("--tls") { Description = "Connect with TLS" };
    public Option<string?> Ca { get; } = new("--ca") { Description = "PEM file of the CA that signed the broker's certificate (with --tls)" };

    public void AddTo(Command command)
    {
        command.Options.Add(Broker);
        command.Options.Add(Username);
        command.Options.Add(Password);
        command.Options.Add(Tls);
        command.Options.Add(Ca);
    }

    public MqttClientOptions Read(ParseResult parse)
    {
        var broker = parse.GetValue(Broker)!;
        var colon = broker.LastIndexOf(':');
        var host = colon > 0 ? broker[..colon] : broker;
        var port = 1883;
        if (colon > 0 && !int.TryParse(broker.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port))
        {
            throw new FormatException($"--broker: '{broker}' is not host:port");
        }

        var options = new MqttClientOptions
        {
            Host = host,
            Port = port,
            Username = parse.GetValue(Username),
            Password = parse.GetValue(Password),
            ProtocolVersion = MqttProtocolVersion.V500,
        };
        if (parse.GetValue(Tls))
        {
            options.Tls = new MqttTlsOptions
            {
                CaCertificate = parse.GetValue(Ca) is { } ca ? X509CertificateLoader.LoadCertificateFromFile(ca) : null,
            };
        }

        return options;
    }
}
