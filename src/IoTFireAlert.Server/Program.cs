using IoTFireAlert.Server.Hosting;

// Entry point: `IoTFireAlert.Server [--demo] [--config path] [import-devices FILE]`.
return await ServerHost.RunAsync(args).ConfigureAwait(false);
