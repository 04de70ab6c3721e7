using System.IO.Pipelines;
using System.Net.Sockets;

namespace IoTFireAlert.Mqtt.Transport;

/// <summary>
/// Reads a plain TCP connection on a thread of its own into a pipe whose reader (the client's receive
/// loop) runs on that thread too, and lets a trickle of small reads gather for a millisecond.
/// <para>
/// Why: through the runtime's socket engine every read costs two wake-ups, the engine's epoll thread and
/// then a pool worker for the receive loop, and under load a broker writes a few messages at a time. Here
/// a read is one wake-up of this thread, a busy connection is read about once a millisecond however often
/// the broker writes, and the socket is never registered with the engine (see <see cref="MqttSocketStream"/>).
/// With the simulator's load at 15,000 msg/s the server's CPU fell from 38-40 to 30-31 µs a message
/// (bench/RESULTS.md). An idle connection blocks in the read, so the first message after a pause is read
/// at once; the millisecond is only added while messages keep coming.
/// </para>
/// </summary>
internal sealed class MqttSocketReader
{
    /// <summary>Bytes the receive loop may leave unread before this thread stops reading the socket (back-pressure).</summary>
    private const int PauseThreshold = 1 << 20;

    /// <summary>How long a small read waits for more to gather; the read that ends idleness never waits.</summary>
    private const int CoalesceMilliseconds = 1;

    private readonly Socket _socket;
    private readonly Pipe _pipe;
    private readonly int _readSize;
    private readonly CancellationToken _closed;

    private MqttSocketReader(Socket socket, int readSize, CancellationToken closed)
    {
        _socket = socket;
        _readSize = readSize;
        _closed = closed;
        // Inline reader: the receive loop's continuation runs inside FlushAsync, on this thread.
        _pipe = new Pipe(new PipeOptions(
            readerScheduler: PipeScheduler.Inline,
            writerScheduler: PipeScheduler.Inline,
            pauseWriterThreshold: PauseThreshold,
            resumeWriterThreshold: PauseThreshold / 2,
            minimumSegmentSize: readSize,
            useSynchronizationContext: false));
    }

    /// <summary>Starts reading <paramref name="socket"/> until it closes or <paramref name="closed"/> is cancelled; the returned reader sees what arrives.</summary>
    public static PipeReader Start(Socket socket, int readSize, CancellationToken closed)
    {
        var reader = new MqttSocketReader(socket, readSize, closed);
        new Thread(reader.Run) { IsBackground = true, Name = "mqtt-receive" }.Start();
        return reader._pipe.Reader;
    }

    private void Run()
    {
        var writer = _pipe.Writer;
        try
        {
            // A blocking read: returns what has arrived, or waits in the kernel for the next bytes (an idle
            // connection costs nothing). Closing the socket ends the wait.
            while (!_closed.IsCancellationRequested)
            {
                var memory = writer.GetMemory(_readSize);
                var read = _socket.Receive(memory.Span, SocketFlags.None, out var error);
                if (error != SocketError.Success)
                {
                    writer.Complete(new IOException("Reading from the broker failed.", new SocketException((int)error)));
                    return;
                }

                if (read == 0)
                {
                    writer.Complete();
                    return;
                }

                writer.Advance(read);
                var flush = writer.FlushAsync();
                var result = flush.IsCompleted ? flush.Result : flush.AsTask().GetAwaiter().GetResult();
                if (result.IsCompleted)
                {
                    // The receive loop has stopped reading.
                    writer.Complete();
                    return;
                }

                if (read < memory.Length / 2)
                {
                    // A partial read: the broker is writing a few messages at a time. Let the next ones gather.
                    Thread.Sleep(CoalesceMilliseconds);
                }
            }

            writer.Complete();
        }
        catch (Exception e)
        {
            // Disposing the connection closes the socket under a waiting read (ObjectDisposedException: a
            // normal end); anything else reaches the receive loop as its read's error. An exception must not
            // escape a thread of its own: it would end the process.
            writer.Complete(e is ObjectDisposedException ? null : e);
        }
    }
}
