//! Client input to domain commands, shared by REST and the WebSocket command bus so that both
//! doors validate exactly alike.

use chat_domain::attachment::Attachment;
use chat_domain::room::RoomCommand;
use chat_domain::text::{ClientMsgId, MessageBody, Reaction, TextError};
use chat_domain::{MessageId, UserId};
use chat_nats::wire::WireCommand;
use uuid::Uuid;

/// A field of client input that failed validation.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {error}")]
pub struct InvalidField {
    pub field: &'static str,
    pub error: TextError,
}

/// Parses one field, naming it in the error.
pub fn field<T>(name: &'static str, parsed: Result<T, TextError>) -> Result<T, InvalidField> {
    parsed.map_err(|error| InvalidField { field: name, error })
}

/// At most this many mentions per message.
pub const MAX_MENTIONS: usize = 50;

/// The room command `actor` asks for. A post gets a fresh message id here, and the
/// attachments its upload ids were resolved to (`crate::uploads::Uploads::attachments_of`).
pub fn room_command(
    actor: UserId,
    command: WireCommand,
    attachments: Vec<Attachment>,
) -> Result<RoomCommand, InvalidField> {
    Ok(match command {
        WireCommand::Post { body, client_msg_id, reply_to, mentions, attachments: _ } => RoomCommand::PostMessage {
            by: actor,
            message_id: MessageId::from_uuid(Uuid::now_v7()),
            client_msg_id: field("client_msg_id", ClientMsgId::parse(client_msg_id))?,
            body: body.map(|body| field("body", MessageBody::parse(body))).transpose()?,
            attachments,
            reply_to,
            mentions: field(
                "mentions",
                if mentions.len() <= MAX_MENTIONS {
                    Ok(mentions)
                } else {
                    Err(TextError::TooMany { max: MAX_MENTIONS })
                },
            )?,
        },
        WireCommand::Edit { message_id, body } => {
            RoomCommand::EditMessage { by: actor, message_id, body: field("body", MessageBody::parse(body))? }
        }
        WireCommand::Delete { message_id } => RoomCommand::DeleteMessage { by: actor, message_id },
        WireCommand::React { message_id, reaction } => {
            RoomCommand::React { by: actor, message_id, reaction: field("reaction", Reaction::parse(reaction))? }
        }
        WireCommand::Unreact { message_id, reaction } => {
            RoomCommand::Unreact { by: actor, message_id, reaction: field("reaction", Reaction::parse(reaction))? }
        }
        WireCommand::MarkRead { up_to_seq } => RoomCommand::MarkRead { by: actor, up_to_seq },
    })
}
