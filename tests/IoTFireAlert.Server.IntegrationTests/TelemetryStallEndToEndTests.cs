using System.Text.Json;
using IoTFireAlert.TestSupport;
using Microsoft.Data.Sqlite;

namespace IoTFireAlert.Server.IntegrationTests;

/// <summary>
/// The alarm path never waits for the time-series store: with the telemetry database locked by
/// another process and the store's queue full, a smoke alarm still reaches the alarm list.
/// </summary>
public sealed class TelemetryStallEndToEndTests : IDisposable
{
    private const string Device = "SX-0001-SD01";
    private readonly MosquittoBroker _broker = MosquittoBroker.Start();
    private readonly ServerUnderTest _server;

    public TelemetryStallEndToEndTests()
    {
        _server = new ServerUnderTest(_broker, new Dictionary<string, string> { ["Telemetry:Sqlite:MaxPendingBatches"] = "1" });
    }

    public void Dispose()
    {
        _server.Dispose();
        _broker.Dispose();
    }

    [Fact]
    public async Task TelemetryStoreStalled_SmokeAlarmIsStillRaised()
    {
        using var holder = new SqliteConnection($"Data Source={Path.Combine(_server.DataDirectory, "telemetry.db")};Pooling=False");
        holder.Open();
        using var lockCommand = holder.CreateCommand();
        lockCommand.CommandText = "BEGIN EXCLUSIVE";
        lockCommand.ExecuteNonQuery();
        try
        {
            // The store's writer takes the first report and waits on the lock (its tag-set insert
            // retries for 30 s), the second fills its queue of one, the third (the alarm) finds it full.
            var topic = $"dev/acme/{Device}/up";
            await MosquittoClients.PublishAsync(_broker.Port, topic, """{"v":1,"kind":"smoke_detector","smoke":false,"battery_pct":88}""");
            await Task.Delay(TimeSpan.FromSeconds(1));
            await MosquittoClients.PublishAsync(_broker.Port, topic, """{"v":1,"kind":"smoke_detector","smoke":false,"battery_pct":88}""");
            await Task.Delay(TimeSpan.FromSeconds(1));
            await MosquittoClients.PublishAsync(_broker.Port, topic, """{"v":1,"kind":"smoke_detector","smoke":true,"battery_pct":88}""");

            // Well inside the 30 s the store stays stuck: the alarm went ahead of the report's rows.
            await _server.EventuallyAsync(async () =>
                (await _server.GetJsonAsync<JsonElement[]>($"/api/alarms?device={Device}"))!.Any(a => a.GetProperty("type").GetString() == "smoke_alarm") ? "ok" : null,
                TimeSpan.FromSeconds(10), "the smoke alarm while the telemetry store is stuck");
        }
        finally
        {
            lockCommand.CommandText = "ROLLBACK";
            lockCommand.ExecuteNonQuery();
        }
    }
}
