# Multi-stage build: the SDK compiles, the ASP.NET runtime runs.
# (No Docker engine on the development machines: this file is kept correct by reading; see README.)
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props nuget.config .editorconfig ./
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
    IOTFIRE_Storage__SqlitePath=/var/lib/iotfire/iotfire.db
VOLUME /var/lib/iotfire
EXPOSE 8080
USER app
ENTRYPOINT ["dotnet", "/app/IoTFireAlert.Server.dll"]
