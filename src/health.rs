//! `passage-emulator health`: asks a running emulator for `GET /_emulator/health`.
//! The Docker image has no curl; this keeps its HEALTHCHECK inside the binary. The image sets
//! `PASSAGE_EMULATOR_READY_FILE`, so the probe goes where the server really listens even when
//! `--listen` was given on the container's command line, which the probe cannot see.

use std::process::ExitCode;
use std::time::Duration;

use http_body_util::Empty;
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

use crate::config::HealthArgs;
use crate::ready::Ready;

/// 0 when the emulator answers 200, 1 otherwise. The address is the ready file's when that
/// file exists, else `--listen`.
pub async fn health_check(args: &HealthArgs) -> ExitCode {
    let listen = match args.ready_file.as_deref().filter(|path| path.exists()) {
        Some(path) => match Ready::read(path) {
            Ok(ready) => ready.plain_addr().to_owned(),
            Err(error) => {
                eprintln!("unhealthy: {error}");
                return ExitCode::FAILURE;
            }
        },
        None => args.listen.clone(),
    };
    match tokio::time::timeout(Duration::from_secs(3), probe(&listen)).await {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(error)) => {
            eprintln!("unhealthy: {error}");
            ExitCode::FAILURE
        }
        Err(_) => {
            eprintln!("unhealthy: no answer within 3 s");
            ExitCode::FAILURE
        }
    }
}

async fn probe(listen: &str) -> Result<(), String> {
    // A server bound to every interface is reached on loopback.
    let address = listen
        .replace("0.0.0.0", "127.0.0.1")
        .replace("[::]", "[::1]");
    let stream = TcpStream::connect(&address)
        .await
        .map_err(|error| format!("cannot connect to {address}: {error}"))?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|error| error.to_string())?;
    tokio::spawn(connection);
    let request = hyper::Request::get("/_emulator/health")
        .header(hyper::header::HOST, address.as_str())
        .body(Empty::<Bytes>::new())
        .map_err(|error| error.to_string())?;
    let response = sender
        .send_request(request)
        .await
        .map_err(|error| error.to_string())?;
    if response.status() == hyper::StatusCode::OK {
        Ok(())
    } else {
        Err(format!("status {}", response.status()))
    }
}
