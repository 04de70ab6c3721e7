using System.Diagnostics;
using System.Globalization;
using IoTFireAlert.Mqtt;

// usage: sub host port qos count ready_file   |   pub host port qos count payload_bytes
if (args.Length < 5)
{
    Console.Error.WriteLine("usage: sub host port qos count ready_file | pub host port qos count payload_bytes");
    return 2;
}

var options = new MqttClientOptions
{
    Host = args[1],
    Port = int.Parse(args[2], CultureInfo.InvariantCulture),
    ClientId = "ours-" + args[0],
    ProtocolVersion = MqttProtocolVersion.V500,
    KeepAliveSeconds = 60,
    InboundCapacity = 8192,
    ReceiveMaximum = 65535,
};
var qos = (MqttQualityOfService)int.Parse(args[3], CultureInfo.InvariantCulture);
var count = long.Parse(args[4], CultureInfo.InvariantCulture);
await using var client = new MqttClient(options);
await client.ConnectAsync();

if (args[0] == "sub")
{
    await client.SubscribeAsync([new MqttSubscription("bench/#", qos)]);
    await File.WriteAllTextAsync(args[5], "");
    long received = 0;
    var stopwatch = new Stopwatch();
    var last = TimeSpan.Zero;
    var reader = client.Messages;
    using var idle = new CancellationTokenSource();
    while (received < count)
    {
        idle.CancelAfter(received == 0 ? TimeSpan.FromSeconds(60) : TimeSpan.FromSeconds(3));
        try
        {
            if (!await reader.WaitToReadAsync(idle.Token))
            {
                break;
            }
        }
        catch (OperationCanceledException)
        {
            break;
        }

        while (reader.TryRead(out var message))
        {
            if (received++ == 0)
            {
                stopwatch.Start();
            }

            client.Acknowledge(in message);
            message.Dispose();
        }

        last = stopwatch.Elapsed;
    }

    var seconds = last.TotalSeconds;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{{\"received\":{received},\"seconds\":{seconds:F4},\"rate\":{(seconds > 0 ? (received - 1) / seconds : 0):F0},\"gen0\":{GC.CollectionCount(0)}}}"));
}
else
{
    var payload = new byte[int.Parse(args[5], CultureInfo.InvariantCulture)];
    payload.AsSpan().Fill((byte)'x');
    var topic = "bench/dev/up"u8.ToArray();

    if (qos == MqttQualityOfService.AtMostOnce)
    {
        // QoS 0 completes when queued; a call that finds the client's queue full completes when
        // the send loop has written a batch. Awaiting only then is how an application publishes.
        for (long i = 0; i < count; i++)
        {
            var publish = client.PublishAsync(topic, payload, qos);
            if (!publish.IsCompletedSuccessfully)
            {
                await publish;
            }
        }
    }
    else
    {
        // Keep a window of outstanding publications: pipelining, never one round trip per message.
        var window = new ValueTask[4096];
        for (long i = 0; i < count; i++)
        {
            var slot = (int)(i % window.Length);
            if (i >= window.Length)
            {
                await window[slot];
            }

            window[slot] = client.PublishAsync(topic, payload, qos);
        }

        for (var i = 0; i < Math.Min(count, window.Length); i++)
        {
            await window[i];
        }
    }

    await client.DisconnectAsync();
}

return 0;
