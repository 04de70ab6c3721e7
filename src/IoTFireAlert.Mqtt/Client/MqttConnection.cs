using System.IO.Pipelines;

namespace IoTFireAlert.Mqtt;

/// <summary>
/// One network connection and its per-connection state: pipes, keep-alive clocks, topic
/// aliases (5 §3.3.2.3.4: aliases live and die with the connection) and the first error.
/// The session state that outlives it (in-flight publications, subscriptions) is the client's.
/// </summary>
internal sealed class MqttConnection : IAsyncDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private Exception? _error;
    private long _lastReceived;
    private long _lastSent;

    public MqttConnection(Stream stream, int generation, int readBufferSize)
    {
        Stream = stream;
        Generation = generation;
        // The transport opens an MqttSocketStream only when the client asked for a reading thread on plain TCP.
        Reader = stream is Transport.MqttSocketStream plain
            ? Transport.MqttSocketReader.Start(plain.Socket, readBufferSize, _cts.Token)
            : PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: readBufferSize, minimumReadSize: Math.Min(readBufferSize, 16 * 1024), leaveOpen: true));
        Writer = PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: 64 * 1024, leaveOpen: true));
        _lastReceived = _lastSent = Environment.TickCount64;
    }

    public Stream Stream { get; }
    public PipeReader Reader { get; }
    public PipeWriter Writer { get; }
    public int Generation { get; }
    public CancellationToken Token => _cts.Token;
    public bool IsClosing => _cts.IsCancellationRequested;
    public int BrokerMaximumPacketSize { get; set; } = int.MaxValue;
    public ushort KeepAliveSeconds { get; set; }
    public byte[]?[]? TopicAliases { get; set; }
    public bool PingRequested { get; set; }
    public bool DisconnectRequested { get; set; }
    public MqttReasonCode DisconnectReason { get; set; }
    public Exception? Error => Volatile.Read(ref _error);

    public long LastReceived
    {
        get => Volatile.Read(ref _lastReceived);
        set => Volatile.Write(ref _lastReceived, value);
    }

    public long LastSent
    {
        get => Volatile.Read(ref _lastSent);
        set => Volatile.Write(ref _lastSent, value);
    }

    /// <summary>Records the first reason and stops both loops.</summary>
    public void Abort(Exception? error)
    {
        if (error is not null)
        {
            Interlocked.CompareExchange(ref _error, error, null);
        }

        try
        {
            _cts.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already torn down.
        }
    }

    public async ValueTask DisposeAsync()
    {
        Abort(null);

        // The stream goes first so completing the writer cannot block flushing to a dead peer.
        await Stream.DisposeAsync().ConfigureAwait(false);
        await Reader.CompleteAsync().ConfigureAwait(false);
        try
        {
            await Writer.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // Leftovers for a closed socket: nothing to save.
        }

        _cts.Dispose();
    }
}
