using System.Text;
using IoTFireAlert.Telemetry.InfluxDb;
using IoTFireAlert.Telemetry.LineProtocol;

namespace IoTFireAlert.Telemetry.Tests.InfluxDb;

public sealed class SpillLogTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "iotfire-spilllog-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private static LineBatch Lines(int from, int count)
    {
        var writer = new LineProtocolWriter();
        var batch = new LineBatch(64, 4);
        for (var i = from; i < from + count; i++)
        {
            writer.Begin("m");
            writer.FieldString("s", "a\nb " + i);
            writer.End(batch, i);
        }

        return batch;
    }

    private static List<string> Drain(SpillLog log, int max = int.MaxValue)
    {
        var read = new List<string>();
        var into = new LineBatch();
        while (read.Count < max && log.TryPeek(into))
        {
            for (var i = 0; i < into.LineCount; i++)
            {
                read.Add(Encoding.UTF8.GetString(into.Line(i)));
            }

            log.CommitPeeked();
        }

        return read;
    }

    [Fact]
    public void Append_ThenReopen_RecordsReadInOrderWithLineBoundaries()
    {
        using (var log = new SpillLog(_dir, 4096))
        {
            for (var r = 0; r < 50; r++)
            {
                var batch = Lines(r * 10, 10);
                log.Append(batch, 2, 8);
            }
        }

        using var reopened = new SpillLog(_dir, 4096);
        Assert.True(reopened.HasData);
        var lines = Drain(reopened);

        var expected = Enumerable.Range(0, 50).SelectMany(r => Enumerable.Range((r * 10) + 2, 8)).Select(i => $"m s=\"a\nb {i}\" {i}\n");
        Assert.Equal(expected, lines);
        Assert.False(reopened.HasData);
        Assert.Equal(0, reopened.BacklogBytes);
        Assert.True(Directory.GetFiles(_dir, "*.spill").Length <= 1, "delivered segments are deleted");
    }

    [Fact]
    public void CommittedPosition_SurvivesRestart_NoRecordTwice()
    {
        using (var log = new SpillLog(_dir, 1 << 20))
        {
            log.Append(Lines(0, 3), 0, 3);
            log.Append(Lines(3, 3), 0, 3);
            log.Append(Lines(6, 3), 0, 3);
            Assert.Equal(3, Drain(log, 1).Count);
        }

        using var reopened = new SpillLog(_dir, 1 << 20);
        var rest = Drain(reopened);
        Assert.Equal(6, rest.Count);
        Assert.StartsWith("m s=\"a\nb 3\"", rest[0], StringComparison.Ordinal);
    }

    [Fact]
    public void TornTail_FromACrash_IsDroppedAndEarlierRecordsKept()
    {
        using (var log = new SpillLog(_dir, 1 << 20))
        {
            log.Append(Lines(0, 2), 0, 2);
            log.Append(Lines(2, 2), 0, 2);
        }

        // A crash in the middle of the next append: header and part of the body only.
        var segment = Directory.GetFiles(_dir, "*.spill").Single();
        var bytes = File.ReadAllBytes(segment);
        File.AppendAllBytes(segment, bytes.AsSpan(0, bytes.Length / 3).ToArray());

        using var reopened = new SpillLog(_dir, 1 << 20);
        var lines = Drain(reopened);

        Assert.Equal(4, lines.Count);
        Assert.Equal(1, reopened.TornRecords);
        Assert.False(reopened.HasData);
    }

    [Fact]
    public void Open_FolderInUseByAnotherLog_ThrowsClearError()
    {
        using var first = new SpillLog(_dir, 4096);

        var error = Assert.Throws<InvalidOperationException>(() => new SpillLog(_dir, 4096));

        Assert.Contains("in use by another InfluxDB writer", error.Message, StringComparison.Ordinal);
    }
}
