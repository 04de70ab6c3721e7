using System.Buffers;
using System.Net;
using System.Net.Sockets;
using IoTFireAlert.Mqtt.Packets;

namespace IoTFireAlert.Mqtt.Tests.Client;

/// <summary>
/// A scripted broker on a loopback socket for edge cases a real broker will not produce
/// (an oversize 3.1.1 PUBLISH, an oversize acknowledgement): accepts one client, answers
/// CONNECT, then the test writes raw bytes and reads what the client sent.
/// </summary>
internal sealed class FakeBroker : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private Socket? _socket;
    private NetworkStream? _stream;

    public FakeBroker()
    {
        _listener.Start();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public NetworkStream Stream => _stream ?? throw new InvalidOperationException("No client yet.");

    /// <summary>Accepts the client, returns its CONNECT and answers with a successful CONNACK.</summary>
    public async Task<MqttConnectPacket> AcceptAsync(MqttProtocolVersion version, CancellationToken cancellationToken)
    {
        _socket = await _listener.AcceptSocketAsync(cancellationToken);
        _stream = new NetworkStream(_socket, ownsSocket: true);
        var (header, body) = await ReadPacketAsync(cancellationToken);
        var connect = (MqttConnectPacket)MqttPacketFormatter.Decode(new MqttFrame(header, body.Length < 128 ? 2 : 3, body.Length), body, version);
        byte[] connAck = version == MqttProtocolVersion.V500 ? [0x20, 0x03, 0x00, 0x00, 0x00] : [0x20, 0x02, 0x00, 0x00];
        await WriteAsync(connAck, cancellationToken);
        return connect;
    }

    public async Task WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        await Stream.WriteAsync(bytes, cancellationToken);
        await Stream.FlushAsync(cancellationToken);
    }

    public async Task WritePacketAsync(MqttPacket packet, MqttProtocolVersion version, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>();
        MqttPacketFormatter.Encode(packet, version, buffer);
        await WriteAsync(buffer.WrittenMemory, cancellationToken);
    }

    /// <summary>The next packet from the client: fixed header byte and body.</summary>
    public async Task<(byte Header, byte[] Body)> ReadPacketAsync(CancellationToken cancellationToken)
    {
        var one = new byte[1];
        await Stream.ReadExactlyAsync(one, cancellationToken);
        var header = one[0];
        int length = 0, multiplier = 1;
        do
        {
            await Stream.ReadExactlyAsync(one, cancellationToken);
            length += (one[0] & 0x7F) * multiplier;
            multiplier <<= 7;
        }
        while ((one[0] & 0x80) != 0);

        var body = new byte[length];
        await Stream.ReadExactlyAsync(body, cancellationToken);
        return (header, body);
    }

    public async ValueTask DisposeAsync()
    {
        if (_stream is not null)
        {
            await _stream.DisposeAsync();
        }

        _listener.Stop();
        _listener.Dispose();
    }
}
