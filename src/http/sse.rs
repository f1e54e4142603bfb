//! Server-Sent Events from a broadcast channel, for the inbox's and the journal's live
//! streams: each arrival the caller keeps becomes an event; the stream ends when the server
//! starts shutting down, so graceful shutdown does not wait for it.

use std::convert::Infallible;

use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::{Stream, StreamExt, stream};
use serde::Serialize;
use tokio::sync::broadcast;
use tokio::sync::broadcast::error::RecvError;

use super::state::AppState;

/// Turns `arrivals` into events with `to_event` (None skips an arrival). A lagging reader
/// skips what it missed rather than ending.
pub fn events<T, F>(
    state: &AppState,
    arrivals: broadcast::Receiver<T>,
    to_event: F,
) -> Sse<impl Stream<Item = Result<Event, Infallible>> + use<T, F>>
where
    T: Clone + Send + 'static,
    F: Fn(&T) -> Option<Event> + Send + 'static,
{
    let events = stream::unfold(
        (arrivals, to_event),
        |(mut arrivals, to_event)| async move {
            loop {
                match arrivals.recv().await {
                    Ok(item) => {
                        if let Some(event) = to_event(&item) {
                            return Some((Ok(event), (arrivals, to_event)));
                        }
                    }
                    Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => return None,
                }
            }
        },
    );
    let state = state.clone();
    let until_shutdown = async move { state.stopping().await };
    Sse::new(events.take_until(until_shutdown)).keep_alive(KeepAlive::default())
}

/// An event named `name` with `id` and `data` as JSON.
pub fn json_event(name: &str, id: String, data: impl Serialize) -> Event {
    Event::default()
        .event(name)
        .id(id)
        .json_data(data)
        .unwrap_or_else(|_| Event::default().comment("unserialisable event"))
}
