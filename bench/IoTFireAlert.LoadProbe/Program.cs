using IoTFireAlert.LoadProbe;

// usage:
//   alarms     --broker H:P --http URL --prefix LP- --start N --rate R --duration 30s [--qos 1] [--settle 15s]
//              [--warmup 2s] [--warmup-prefix LW-] [--latencies FILE]
//   background --broker H:P --devices-file FILE.csv --rate N|max (--duration 30s | --count N) [--qos 0] [--connections 4]
// Each verb prints a last line of JSON with its figures.
return await ProbeCommand.RunAsync(args);
