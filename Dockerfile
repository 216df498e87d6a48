# syntax=docker/dockerfile:1

# ---- web app --------------------------------------------------------------------------------------------------------
# The React app (src/Web) is built here rather than by the host's build, so the .NET stage needs no Node.
FROM node:20-bookworm-slim AS web
WORKDIR /src/src/Web
# Install from the lockfile alone first, so the node_modules layer is reused until a dependency changes.
COPY src/Web/package.json src/Web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY src/Web/ ./
# Vite writes to ../Host/wwwroot, i.e. /src/src/Host/wwwroot.
RUN npm run build

# ---- build ----------------------------------------------------------------------------------------------------------
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src

# Restore from the project files alone, so the package layer is reused until a project file or a package version
# changes. Every project the host references transitively needs its line here (a new module adds one, or two with
# a .Contracts project; tests/Orbit.ArchitectureTests/DockerfileTests.cs checks).
COPY Directory.Build.props Directory.Packages.props ./
COPY src/Host/Host.csproj src/Host/WebApp.targets src/Host/
COPY src/Shared/Shared.csproj src/Shared/
COPY src/Modules/Identity/Identity.csproj src/Modules/Identity/
COPY src/Modules/Identity.Contracts/Identity.Contracts.csproj src/Modules/Identity.Contracts/
COPY src/Modules/Projects/Projects.csproj src/Modules/Projects/
COPY src/Modules/Projects.Contracts/Projects.Contracts.csproj src/Modules/Projects.Contracts/
COPY src/Modules/Tasks/Tasks.csproj src/Modules/Tasks/
COPY src/Modules/Tasks.Contracts/Tasks.Contracts.csproj src/Modules/Tasks.Contracts/
COPY src/Modules/Audit/Audit.csproj src/Modules/Audit/
COPY src/Modules/Notifications/Notifications.csproj src/Modules/Notifications/
COPY src/Modules/Webhooks/Webhooks.csproj src/Modules/Webhooks/
# Only the host: restoring App.sln would also need the test projects, which are not in the build context.
# For the image's architecture, so that publish can precompile (ReadyToRun, see Host.csproj).
ARG TARGETARCH
RUN dotnet restore src/Host/Host.csproj -r linux-$([ "$TARGETARCH" = "arm64" ] && echo arm64 || echo x64)

# Module projects embed their SQL from db/migrations/<module> (EmbeddedResource), so db/ is build input.
COPY db/ db/
COPY src/ src/
# OrbitSkipWebBuild: the web stage above built the app; this stage has no Node (src/Host/WebApp.targets).
RUN dotnet publish src/Host/Host.csproj -c Release -o /app --no-restore -p:UseAppHost=false -p:OrbitSkipWebBuild=true \
    -r linux-$([ "$TARGETARCH" = "arm64" ] && echo arm64 || echo x64)
# The host serves its content root's wwwroot, and the content root of the published app is /app.
COPY --from=web /src/src/Host/wwwroot /app/wwwroot

# ---- runtime --------------------------------------------------------------------------------------------------------
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./

# The base image sets ASPNETCORE_HTTP_PORTS=8080; clearing it avoids the start-up warning that URLS overrides it.
# DOTNET_TC_CallCountingDelayMs=0: the runtime starts counting calls towards fully optimised code at once instead of
# 100 ms after the last first-time compilation, which under load kept being pushed back. Measured (bench/README.md,
# "Start-to-full-speed"): full speed 16 s after spawn instead of 24 s (medians of five), steady rate the same within
# noise. A runtime knob with no runtimeconfig.json name, so it is set where the process starts.
ENV ASPNETCORE_URLS=http://+:8080 \
    ASPNETCORE_HTTP_PORTS="" \
    DOTNET_TC_CallCountingDelayMs=0
EXPOSE 8080

# APP_UID is the non-root "app" user the .NET base images define.
USER $APP_UID

# The runtime image has no curl: the host probes itself (src/Host/Http/ContainerHealthCheck.cs).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["dotnet", "Orbit.Host.dll", "healthcheck", "http://127.0.0.1:8080/health/live"]

# "migrate" as the argument applies the migrations and exits (see docker-compose.yml).
ENTRYPOINT ["dotnet", "Orbit.Host.dll"]
