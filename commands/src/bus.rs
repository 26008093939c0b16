//! The command bus: room commands that gateways send over NATS request/reply.
//!
//! Every command-service instance subscribes in one queue group, so NATS spreads requests
//! across instances. Input is validated exactly as REST input is ([`crate::parse`]) and errors
//! carry the same stable codes. Requests run concurrently (bounded); order per client is kept
//! by the gateway, which sends a connection's commands one at a time.

use std::sync::Arc;

use async_nats::Client;
use chat_nats::Subjects;
use chat_nats::wire::{CommandRequest, CommandResponse, decode, encode};
use futures::StreamExt;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::http::ApiError;
use crate::parse::room_command;
use crate::room_writer::RoomWriters;
use crate::store::CommandMeta;

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
    pub async fn serve(self, writers: RoomWriters, shutdown: CancellationToken) {
        let Bus { client, mut requests } = self;
        let tasks = TaskTracker::new();
        let permits = Arc::new(Semaphore::new(MAX_IN_FLIGHT));
        loop {
            let message = tokio::select! {
                message = requests.next() => match message {
                    Some(message) => message,
                    None => break,
                },
                _ = shutdown.cancelled() => break,
            };
            let Some(reply_to) = message.reply else {
                tracing::warn!("command without a reply subject ignored");
                continue;
            };
            let Ok(permit) = permits.clone().acquire_owned().await else { break };
            let (client, writers) = (client.clone(), writers.clone());
            tasks.spawn(async move {
                let response = match decode::<CommandRequest>(&message.payload) {
                    Ok(request) => execute(&writers, request).await,
                    Err(error) => CommandResponse::Error {
                        code: "invalid_request".to_owned(),
                        message: format!("malformed command request: {error}"),
                        field: None,
                    },
                };
                if let Err(error) = client.publish(reply_to, encode(&response)).await {
                    tracing::warn!(%error, "cannot send a command reply");
                }
                drop(permit);
            });
        }
        let _ = requests.unsubscribe().await;
        tasks.close();
        tasks.wait().await;
    }
}

#[tracing::instrument(skip_all, fields(room_id = %request.room_id, request_id = %request.request_id))]
async fn execute(writers: &RoomWriters, request: CommandRequest) -> CommandResponse {
    let meta = CommandMeta { actor: request.actor, request_id: request.request_id, via: request.via };
    let result = match room_command(request.actor, request.command) {
        Ok(command) => writers.execute(request.room_id, command, meta).await.map_err(ApiError::from),
        Err(invalid) => Err(ApiError::from(invalid)),
    };
    match result {
        Ok(receipt) => {
            CommandResponse::Ok { seq: receipt.seq, message_id: receipt.message_id, changed: receipt.changed }
        }
        Err(error) => CommandResponse::Error {
            code: error.status_and_code().1.to_owned(),
            message: error.public_message(),
            field: error.field().map(str::to_owned),
        },
    }
}
