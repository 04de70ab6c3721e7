using System.Text.Json;
using Dapper;
using IoTFireAlert.Dispatch.Geo;
using IoTFireAlert.Dispatch.Import;
using IoTFireAlert.Dispatch.Stations;
using IoTFireAlert.Server.Storage;

namespace IoTFireAlert.Server.Responders;

/// <summary>
/// Stations as stored (SQLite, one JSON document each) and as searched (the in-memory
/// <see cref="NearestStationFinder"/>). An import builds a new finder and swaps it in whole, so a
/// dispatch in progress never sees half a list; a status change is one array write.
/// </summary>
public sealed class StationRegistry(SqliteDatabase database, TravelModel travel)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };
    private NearestStationFinder _finder = new([], travel);

    public NearestStationFinder Finder => Volatile.Read(ref _finder);

    public IReadOnlyList<Station> All()
    {
        var finder = Finder;
        return Enumerable.Range(0, finder.Count).Select(i => finder[i] with { Status = finder.GetStatus(i) }).ToList();
    }

    public void Load(string? firstStartFile, ILogger logger)
    {
        using var connection = database.Open();
        var stored = connection.Query<(string Body, string Status)>("SELECT body, status FROM stations")
            .Select(r => JsonSerializer.Deserialize<Station>(r.Body, Json)! with { Status = Enum.Parse<UnitStatus>(r.Status) })
            .ToList();
        if (stored.Count == 0 && firstStartFile is not null)
        {
            var result = StationImport.FromJson(File.ReadAllText(firstStartFile));
            foreach (var error in result.Errors)
            {
                logger.LogWarning("{File}: {Error}", firstStartFile, error);
            }

            Save(result.Items);
            stored = result.Items.ToList();
            logger.LogInformation("first start: imported {Count} stations from {File}", stored.Count, firstStartFile);
        }

        Volatile.Write(ref _finder, new NearestStationFinder(stored, travel));
    }

    public ImportResult<Station> Import(string text, bool csv)
    {
        var result = csv ? StationImport.FromCsv(new StringReader(text)) : StationImport.FromJson(text);
        if (result.Items.Count > 0)
        {
            Save(result.Items);
            var merged = All().Where(s => result.Items.All(n => n.Id != s.Id)).Concat(result.Items).ToList();
            Volatile.Write(ref _finder, new NearestStationFinder(merged, travel));
        }

        return result;
    }

    public bool SetStatus(string id, UnitStatus status)
    {
        if (!Finder.SetStatus(id, status))
        {
            return false;
        }

        using var connection = database.Open();
        connection.Execute("UPDATE stations SET status = @status WHERE id = @id", new { status = status.ToString(), id });
        return true;
    }

    private void Save(IReadOnlyList<Station> stations)
    {
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        connection.Execute(
            "INSERT INTO stations (id, body, status) VALUES (@Id, @Body, @Status) ON CONFLICT(id) DO UPDATE SET body = excluded.body, status = excluded.status",
            stations.Select(s => new { s.Id, Body = JsonSerializer.Serialize(s, Json), Status = s.Status.ToString() }), transaction);
        transaction.Commit();
    }
}
