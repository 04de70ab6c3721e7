using System.Threading.Tasks.Sources;
using IoTFireAlert.Mqtt.V5;

namespace IoTFireAlert.Mqtt;

/// <summary>
/// One outbound publication, pooled: it holds a copy of topic and payload (for a resend with
/// DUP after a reconnect) and is the <see cref="IValueTaskSource"/> behind PublishAsync's
/// ValueTask, so a publish allocates nothing in steady state. It goes back to the pool when
/// the caller has read the result (QoS 1/2) or when it has been written (QoS 0).
/// </summary>
internal sealed class MqttPendingPublish : IValueTaskSource
{
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
    private MqttClient? _owner;

    public byte[] Buffer { get; private set; } = new byte[256];
    public int TopicLength { get; private set; }
    public int PayloadLength { get; private set; }
    public MqttQualityOfService QoS { get; private set; }
    public bool Retain { get; private set; }
    public MqttProperties? Properties { get; private set; }
    public ushort PacketId { get; set; }
    public long Order { get; set; }
    public MqttOutboundState State { get; set; }

    /// <summary>Written at least once, so a resend carries DUP (§3.3.1.1).</summary>
    public bool Sent { get; set; }

    public ReadOnlySpan<byte> Topic => Buffer.AsSpan(0, TopicLength);
    public ReadOnlySpan<byte> Payload => Buffer.AsSpan(TopicLength, PayloadLength);
    public short Version => _core.Version;

    public void Initialize(MqttClient owner, ReadOnlySpan<byte> topic, ReadOnlySpan<byte> payload, MqttQualityOfService qos, bool retain, MqttProperties? properties)
    {
        _owner = owner;
        var need = topic.Length + payload.Length;
        if (Buffer.Length < need)
        {
            Buffer = new byte[(int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)need)];
        }

        topic.CopyTo(Buffer);
        payload.CopyTo(Buffer.AsSpan(topic.Length));
        TopicLength = topic.Length;
        PayloadLength = payload.Length;
        QoS = qos;
        Retain = retain;
        Properties = properties;
        PacketId = 0;
        Sent = false;
        State = MqttOutboundState.Queued;
    }

    public void Complete() => _core.SetResult(true);

    public void Fail(Exception error) => _core.SetException(error);

    public void GetResult(short token)
    {
        try
        {
            _core.GetResult(token);
        }
        finally
        {
            Recycle();
        }
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    /// <summary>Back to the pool; a large buffer is dropped rather than kept forever.</summary>
    public void Recycle()
    {
        var owner = _owner;
        _owner = null;
        Properties = null;
        _core.Reset();
        if (Buffer.Length > 64 * 1024)
        {
            Buffer = new byte[256];
        }

        owner?.ReturnPending(this);
    }
}
