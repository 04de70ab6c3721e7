# Multi-stage build: the SDK compiles, the ASP.NET runtime runs.
# (No Docker engine on the development machines: this file is kept correct by reading; see README.)
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props nuget.config .editorconfig ./
# nuget.config also names the development machines' offline folder; an empty one keeps restore from
# failing on a missing source (NU1301) while nuget.org serves the packages.
RUN mkdir -p /opt/nuget/packages
COPY src/ src/
RUN dotnet publish src/IoTFireAlert.Server/IoTFireAlert.Server.csproj -c Release -o /app --nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /srv/iotfire
COPY --from=build /app /app
COPY config/ config/
# In a container the server must listen on all interfaces of its own network namespace;
# publish the port deliberately (docker-compose.yml binds it to 127.0.0.1 on the host).
ENV IOTFIRE_ROOT=/srv/iotfire \
    IOTFIRE_Http__Urls=http://0.0.0.0:8080 \
    IOTFIRE_Storage__SqlitePath=/var/lib/iotfire/iotfire.db \
    IOTFIRE_Telemetry__Sqlite__Path=/var/lib/iotfire/telemetry.db \
    IOTFIRE_Telemetry__InfluxDb__SpillDirectory=/var/lib/iotfire/influx-spill
# Everything the server writes lives in the volume, owned by the unprivileged user it runs as.
RUN mkdir -p /var/lib/iotfire && chown app:app /var/lib/iotfire
VOLUME /var/lib/iotfire
EXPOSE 8080
USER app
ENTRYPOINT ["dotnet", "/app/IoTFireAlert.Server.dll"]
