# A static (musl) build of the emulator on an empty image.
FROM rust:1-alpine AS build
# build-base and cmake for the C in SQLite and aws-lc.
RUN apk add --no-cache build-base cmake perl
WORKDIR /src
COPY Cargo.toml Cargo.lock build.rs ./
COPY src src
COPY migrations migrations
COPY fixtures fixtures
# The manifest names a bench target; cargo wants its source present to read the manifest.
COPY benches benches
RUN cargo build --release --locked && mkdir -p /data /ca

FROM scratch
COPY --from=build /src/target/release/passage-emulator /passage-emulator
COPY --from=build --chown=65534:65534 /data /data
# The local CA's folder when PASSAGE_EMULATOR_DATA_DIR=/ca (docker-compose.yml shares it).
COPY --from=build --chown=65534:65534 /ca /ca
USER 65534:65534
WORKDIR /data
ENV PASSAGE_EMULATOR_LISTEN=0.0.0.0:7277 \
    PASSAGE_EMULATOR_DATABASE=/data/emulator.db
EXPOSE 7277
VOLUME /data
# No curl on scratch: the binary asks itself (GET /_emulator/health on 127.0.0.1).
HEALTHCHECK --interval=5s --timeout=3s --start-period=2s --retries=3 \
    CMD ["/passage-emulator", "health"]
ENTRYPOINT ["/passage-emulator"]
