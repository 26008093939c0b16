//! The command bus: room commands that gateways send over NATS request/reply. Each request
//! runs in a `command` span (room, kind, request id, gateway) until its reply is sent.
//!
//! Every command-service instance subscribes in one queue group, so NATS spreads requests
//! across instances. Input is validated exactly as REST input is ([`crate::parse`], a post's
//! upload ids resolved by [`Uploads::attachments_of`]: one query, in arrival order, for posts
//! that name attachments) and errors carry the same stable codes. Requests are queued at their room's writer in arrival order
//! and awaited concurrently (bounded), so commands that reach one instance in some order apply
//! in that order. (Gateways send a connection's commands for one room one at a time, so their
//! order holds across any number of instances.)

use std::sync::Arc;

use async_nats::Client;
use chat_domain::ErrorCode;
use chat_nats::Subjects;
use chat_nats::wire::{CommandRequest, CommandResponse, decode, encode};
use tokio_util::sync::CancellationToken;
use tracing::Instrument;
use tracing::field::Empty;

use crate::limits::{Limits, RateLimited};
use crate::parse::{InvalidField, room_command};
use crate::room_writer::{CommandError, Pending, Receipt, RoomWriters};
use crate::serving::Serving;
use crate::store::CommandMeta;
use crate::uploads::{AttachError, Uploads};

/// Requests handled at once per instance; more wait in NATS's buffer.
const MAX_IN_FLIGHT: usize = 1024;

/// The command bus's subscription, made at start-up so that a NATS problem fails the start.
pub struct Bus {
    client: Client,
    requests: async_nats::Subscriber,
}

impl Bus {
    pub async fn subscribe(client: Client, subjects: &Subjects) -> Result<Self, async_nats::SubscribeError> {
        let requests = client.queue_subscribe(subjects.room_commands(), subjects.command_queue().to_owned()).await?;
        Ok(Self { client, requests })
    }

    /// Serves room commands until `shutdown`, then finishes the requests in flight.
    ///
    /// Each request is queued at its room's writer here, in arrival order (NATS keeps one
    /// publisher's order), and only the wait for its result runs concurrently.
    pub async fn serve(self, writers: RoomWriters, limits: Arc<Limits>, uploads: Uploads, shutdown: CancellationToken) {
        let Bus { client, requests } = self;
        let mut serving = Serving::new(requests, shutdown, MAX_IN_FLIGHT);
        while let Some((message, permit)) = serving.next().await {
            let Some(reply_to) = message.reply else {
                tracing::warn!("command without a reply subject ignored");
                continue;
            };
            let span = tracing::error_span!("command", room_id = Empty, kind = Empty, request_id = Empty, via = Empty);
            let outcome = submit(&writers, &limits, &uploads, &message.payload).instrument(span.clone()).await;
            let client = client.clone();
            let reply = async move {
                let response = match outcome {
                    Ok(pending) => respond(pending.receipt().await.map_err(Refusal::from)),
                    Err(response) => response,
                };
                if let Err(error) = client.publish(reply_to, encode(&response)).await {
                    tracing::warn!(%error, "cannot send a command reply");
                }
                drop(permit);
            };
            serving.spawn(reply.instrument(span));
        }
        serving.finish().await;
    }
}

/// Why the bus refused a command: everything a command from a gateway can fail with.
#[derive(Debug, thiserror::Error)]
enum Refusal {
    #[error("malformed command request: {0}")]
    Malformed(#[from] serde_json::Error),
    #[error(transparent)]
    Limited(#[from] RateLimited),
    #[error(transparent)]
    Invalid(#[from] InvalidField),
    #[error(transparent)]
    Attach(#[from] AttachError),
    #[error(transparent)]
    Command(#[from] CommandError),
}

impl Refusal {
    fn code(&self) -> ErrorCode {
        match self {
            Refusal::Malformed(_) => ErrorCode::InvalidRequest,
            Refusal::Limited(_) => ErrorCode::RateLimited,
            Refusal::Invalid(_) => ErrorCode::InvalidInput,
            Refusal::Attach(error) => error.code(),
            Refusal::Command(error) => error.code(),
        }
    }
}

/// Decodes, validates, rate-limits and queues one request; an early refusal is already the
/// response.
async fn submit(
    writers: &RoomWriters,
    limits: &Limits,
    uploads: &Uploads,
    payload: &[u8],
) -> Result<Pending, CommandResponse> {
    let request = decode::<CommandRequest>(payload).map_err(|error| respond(Err(error.into())))?;
    let span = tracing::Span::current();
    span.record("room_id", tracing::field::display(request.room_id));
    span.record("request_id", request.request_id.as_str());
    span.record("via", request.via.as_str());
    limits.admit(request.actor, &request.command).map_err(|limited| respond(Err(limited.into())))?;
    let meta = CommandMeta { actor: request.actor, request_id: request.request_id, via: request.via };
    let attachments = match uploads.attachments_of(request.actor, &request.command).await {
        Ok(attachments) => attachments,
        Err(error) => {
            if let AttachError::Database(cause) = &error {
                tracing::error!(error = %cause, "cannot resolve a post's attachments");
            }
            return Err(respond(Err(error.into())));
        }
    };
    let command =
        room_command(request.actor, request.command, attachments).map_err(|invalid| respond(Err(invalid.into())))?;
    span.record("kind", command.kind());
    writers.submit(request.room_id, command, meta).await.map_err(|error| respond(Err(error.into())))
}

fn respond(result: Result<Receipt, Refusal>) -> CommandResponse {
    match result {
        Ok(receipt) => {
            CommandResponse::Ok { seq: receipt.seq, message_id: receipt.message_id, changed: receipt.changed }
        }
        Err(refusal) => {
            let code = refusal.code();
            CommandResponse::Error {
                code: code.as_str().to_owned(),
                // Internal failures were logged with their cause where they happened.
                message: if code == ErrorCode::Internal { "internal error".to_owned() } else { refusal.to_string() },
                field: match &refusal {
                    Refusal::Invalid(invalid) => Some(invalid.field.to_owned()),
                    _ => None,
                },
                retry_after_ms: match &refusal {
                    Refusal::Limited(limited) => Some(limited.retry_after_ms()),
                    _ => None,
                },
            }
        }
    }
}
