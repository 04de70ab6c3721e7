namespace IoTFireAlert.Server.Api;

/// <summary>A layer of the console's map besides devices (stations, vehicles), served under its name by GET /api/map.</summary>
public interface IMapLayer
{
    string Name { get; }

    object Items();
}
