namespace IoTFireAlert.Mqtt;

/// <summary>
/// A reusable byte array with a version stamp. Messages hold (buffer, version); returning
/// bumps the version with a compare-exchange, so a second Dispose of a copied struct is a
/// no-op instead of handing the same array out twice.
/// </summary>
internal sealed class MqttPooledBuffer
{
    private int _version;

    public MqttPooledBuffer(byte[] array, int bucket)
    {
        Array = array;
        Bucket = bucket;
    }

    public byte[] Array { get; }

    public int Bucket { get; }

    public int Version => Volatile.Read(ref _version);

    /// <summary>True exactly once per rental.</summary>
    public bool TryRelease(int version) => Interlocked.CompareExchange(ref _version, version + 1, version) == version;
}
