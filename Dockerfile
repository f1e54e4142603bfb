# A static (musl) build of the emulator on an empty image. Base images are pinned by version
# (Rust 1.95.0 on Alpine 3.22) so that a rebuild makes the same binary; bump them on purpose.
FROM rust:1.95.0-alpine3.22 AS build
# build-base and cmake for the C in SQLite and aws-lc.
RUN apk add --no-cache build-base cmake perl
WORKDIR /src
COPY Cargo.toml Cargo.lock build.rs ./
COPY src src
COPY migrations migrations
COPY fixtures fixtures
# The manifest names a bench target; cargo wants its source present to read the manifest.
COPY benches benches
RUN cargo build --release --locked && mkdir -p /data /ca /state

FROM scratch
COPY --from=build /src/target/release/passage-emulator /passage-emulator
COPY --from=build --chown=65534:65534 /data /data
# The local CA's folder when PASSAGE_EMULATOR_DATA_DIR=/ca (docker-compose.yml shares it).
COPY --from=build --chown=65534:65534 /ca /ca
# Where the server writes its ready file: the address it actually serves.
COPY --from=build --chown=65534:65534 /state /state
USER 65534:65534
WORKDIR /data
ENV PASSAGE_EMULATOR_LISTEN=0.0.0.0:7277 \
    PASSAGE_EMULATOR_DATABASE=/data/emulator.db \
    PASSAGE_EMULATOR_READY_FILE=/state/ready.json
EXPOSE 7277
VOLUME /data
# No curl on scratch: the binary asks itself. It probes the address named in the ready file,
# which the server writes once it serves, so `--listen` given on the command line (which the
# probe cannot see) is followed too; before the file exists it probes PASSAGE_EMULATOR_LISTEN.
HEALTHCHECK --interval=5s --timeout=3s --start-period=2s --retries=3 \
    CMD ["/passage-emulator", "health"]
ENTRYPOINT ["/passage-emulator"]
