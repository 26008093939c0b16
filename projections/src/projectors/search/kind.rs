//! What a post is to search: its kind and whether it has attachments, or nothing for a post
//! that is not a searchable message.

use chat_domain::attachment::{Attachment, MessageKind};
use chat_domain::redaction::Redactable;
use chat_domain::text::MessageBody;

/// The kinds of searchable messages (`system` lines are not messages one searches for).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = SearchableKind)]
pub enum SearchableKind {
    Text,
    Image,
    File,
}

impl SearchableKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            SearchableKind::Text => "text",
            SearchableKind::Image => "image",
            SearchableKind::File => "file",
        }
    }
}

/// A post as the search index keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Indexed {
    pub kind: SearchableKind,
    pub has_attachments: bool,
    pub body: String,
}

/// The one place that decides what of a `MessagePosted` is searchable: its text, its kind
/// (`chat_domain::attachment::MessageKind`, derived from its attachments) and whether it has
/// attachments. A post whose body was redacted (its author was erased) is never searchable.
pub(super) fn indexed(body: Redactable<MessageBody>, attachments: &[Attachment]) -> Option<Indexed> {
    let body = body.into_present()?.into_string();
    let kind = match MessageKind::of_post(attachments) {
        MessageKind::Image => SearchableKind::Image,
        MessageKind::File => SearchableKind::File,
        // A post is never a system line.
        MessageKind::Text | MessageKind::System => SearchableKind::Text,
    };
    Some(Indexed { kind, has_attachments: !attachments.is_empty(), body })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_post_is_a_text_message_without_attachments_and_a_redacted_one_is_not_searchable() {
        let body = MessageBody::parse("hello").unwrap();
        assert_eq!(
            indexed(Redactable::Present(body), &[]),
            Some(Indexed { kind: SearchableKind::Text, has_attachments: false, body: "hello".to_owned() })
        );
        assert_eq!(indexed(Redactable::Redacted, &[]), None);
    }

    #[test]
    fn a_post_with_images_only_is_an_image_and_with_any_other_file_a_file() {
        use chat_domain::UploadId;
        use chat_domain::attachment::{FileName, MimeType, Sha256Digest};
        let file = |mime: &str| Attachment {
            id: UploadId::from_uuid(uuid::Uuid::now_v7()),
            name: FileName::sanitise("x").into(),
            mime: MimeType::parse(mime).unwrap(),
            size: 1,
            sha256: Sha256Digest::from_bytes([0; 32]),
            width: None,
            height: None,
            thumbnail: false,
        };
        let body = || Redactable::Present(MessageBody::parse("look").unwrap());
        let of = |attachments: &[Attachment]| indexed(body(), attachments).map(|i| (i.kind, i.has_attachments));
        assert_eq!(of(&[file("image/png")]), Some((SearchableKind::Image, true)));
        assert_eq!(of(&[file("image/png"), file("application/pdf")]), Some((SearchableKind::File, true)));
        assert_eq!(of(&[]), Some((SearchableKind::Text, false)));
    }
}
