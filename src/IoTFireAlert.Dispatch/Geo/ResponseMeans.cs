namespace IoTFireAlert.Dispatch.Geo;

/// <summary>
/// What a responder travels with. Narrow alleys take small engines and fire motorcycles, water towns
/// fire boats ("boat lane - truck lane - motorcycle lane"); power crews drive repair vans.
/// </summary>
public enum ResponseMeans : byte
{
    Engine = 1,
    SmallEngine = 2,
    FireMotorcycle = 3,
    FireBoat = 4,
    PortableEquipment = 5,
    RepairVan = 6,
}
