using System.Collections.Concurrent;

namespace IoTFireAlert.Mqtt;

/// <summary>
/// Buffers for received messages, in power-of-two buckets from 256 B to 1 MiB. Rented on the
/// receive loop, returned from whichever thread the application disposes the message on,
/// through lock-free queues whose segments are reused in steady state (0 B per message).
/// Each bucket keeps at most <c>retainPerBucket</c> idle buffers; the rest go to the GC.
/// </summary>
public sealed class MqttPayloadPool
{
    private const int MinShift = 8;
    private const int MaxShift = 20;
    private readonly ConcurrentQueue<MqttPooledBuffer>[] _buckets = new ConcurrentQueue<MqttPooledBuffer>[MaxShift - MinShift + 1];
    private readonly int[] _idle = new int[MaxShift - MinShift + 1];
    private readonly int _retainPerBucket;
    private long _rentedBytes;
    private long _allocatedBytes;

    public MqttPayloadPool(int retainPerBucket)
    {
        _retainPerBucket = retainPerBucket;
        for (var i = 0; i < _buckets.Length; i++)
        {
            _buckets[i] = new ConcurrentQueue<MqttPooledBuffer>();
        }
    }

    /// <summary>Bytes held by messages the application has not disposed yet.</summary>
    public long RentedBytes => Interlocked.Read(ref _rentedBytes);

    /// <summary>Bytes of buffers ever created by this pool (a steady value means no churn).</summary>
    public long AllocatedBytes => Interlocked.Read(ref _allocatedBytes);

    internal MqttPooledBuffer Rent(int size)
    {
        var shift = Math.Max(MinShift, 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)Math.Max(size - 1, 1)));
        MqttPooledBuffer? buffer = null;
        if (shift <= MaxShift)
        {
            var bucket = shift - MinShift;
            if (_buckets[bucket].TryDequeue(out buffer))
            {
                Interlocked.Decrement(ref _idle[bucket]);
            }
            else
            {
                buffer = new MqttPooledBuffer(new byte[1 << shift], bucket);
                Interlocked.Add(ref _allocatedBytes, 1L << shift);
            }
        }
        else
        {
            buffer = new MqttPooledBuffer(new byte[size], -1);
            Interlocked.Add(ref _allocatedBytes, size);
        }

        Interlocked.Add(ref _rentedBytes, buffer.Array.Length);
        return buffer;
    }

    internal void Return(MqttPooledBuffer buffer, int version)
    {
        if (!buffer.TryRelease(version))
        {
            return;
        }

        Interlocked.Add(ref _rentedBytes, -buffer.Array.Length);
        if (buffer.Bucket >= 0 && Interlocked.Increment(ref _idle[buffer.Bucket]) <= _retainPerBucket)
        {
            _buckets[buffer.Bucket].Enqueue(buffer);
        }
        else if (buffer.Bucket >= 0)
        {
            Interlocked.Decrement(ref _idle[buffer.Bucket]);
        }
    }
}
