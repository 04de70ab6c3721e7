using Dapper;
using IoTFireAlert.Server.Storage;

namespace IoTFireAlert.Server.Devices;

/// <summary>Devices in SQLite. The pipeline never reads this on the message path; it reads <see cref="DeviceDirectory"/>.</summary>
public sealed class DeviceRepository(SqliteDatabase database)
{
    private const string Columns =
        "id AS Id, kind AS Kind, vendor AS Vendor, name AS Name, site AS Site, address AS Address, building AS Building, " +
        "floor AS Floor, grid AS Grid, lat AS Lat, lon AS Lon, contacts AS Contacts, heartbeat_s AS HeartbeatSeconds, installed_on AS InstalledOn";

    public async Task UpsertAsync(IReadOnlyList<DeviceRecord> devices, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO devices (id, kind, vendor, name, site, address, building, floor, grid, lat, lon, contacts, heartbeat_s, installed_on)
            VALUES (@Id, @Kind, @Vendor, @Name, @Site, @Address, @Building, @Floor, @Grid, @Lat, @Lon, @Contacts, @HeartbeatSeconds, @InstalledOn)
            ON CONFLICT(id) DO UPDATE SET kind = excluded.kind, vendor = excluded.vendor, name = excluded.name, site = excluded.site,
                address = excluded.address, building = excluded.building, floor = excluded.floor, grid = excluded.grid,
                lat = excluded.lat, lon = excluded.lon, contacts = excluded.contacts, heartbeat_s = excluded.heartbeat_s,
                installed_on = excluded.installed_on
            """,
            devices.Select(d => new
            {
                d.Id, Kind = d.Kind.ToString(), d.Vendor, d.Name, d.Site, d.Address, d.Building, d.Floor, d.Grid, d.Lat, d.Lon, d.Contacts, d.HeartbeatSeconds, d.InstalledOn,
            }),
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public IReadOnlyList<DeviceRecord> LoadAll() => [.. StreamAll()];

    /// <summary>Every device, one row at a time: at a million devices, never the whole table as a list beside the directory.</summary>
    public IEnumerable<DeviceRecord> StreamAll()
    {
        using var connection = database.Open();
        foreach (var record in connection.Query<DeviceRecord>($"SELECT {Columns} FROM devices", buffered: false))
        {
            yield return record;
        }
    }

    public async Task<IReadOnlyList<DeviceRecord>> ListAsync(string? site, string? kind, int limit, int offset, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<DeviceRecord>(new CommandDefinition(
            $"SELECT {Columns} FROM devices WHERE (@site IS NULL OR site = @site) AND (@kind IS NULL OR kind = @kind) ORDER BY id LIMIT @limit OFFSET @offset",
            new { site, kind, limit, offset },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.AsList();
    }

    /// <summary>
    /// The full record inside a caller's transaction (the alarm writer's): the in-memory directory
    /// leaves out the fields only people read (name, contacts), so a push reads them here.
    /// </summary>
    public static DeviceRecord? Find(System.Data.IDbConnection connection, System.Data.IDbTransaction? transaction, string id) =>
        connection.QuerySingleOrDefault<DeviceRecord>($"SELECT {Columns} FROM devices WHERE id = @id", new { id }, transaction);

    public async Task<DeviceRecord?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.QuerySingleOrDefaultAsync<DeviceRecord>(new CommandDefinition(
            $"SELECT {Columns} FROM devices WHERE id = @id", new { id }, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }
}
