//! What a post is to search: its kind and whether it has attachments, or nothing for a post
//! that is not a searchable message.

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

/// The one place that decides what of a `MessagePosted` is searchable. Today every post is a
/// `text` message without attachments; once posts carry a kind and attachments, this reads
/// them (and returns `None` for `system` lines). A post whose body was redacted (its author was
/// erased) is never searchable.
pub(super) fn indexed(body: Redactable<MessageBody>) -> Option<Indexed> {
    let body = body.into_present()?.into_string();
    Some(Indexed { kind: SearchableKind::Text, has_attachments: false, body })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_post_is_a_text_message_without_attachments_and_a_redacted_one_is_not_searchable() {
        let body = MessageBody::parse("hello").unwrap();
        assert_eq!(
            indexed(Redactable::Present(body)),
            Some(Indexed { kind: SearchableKind::Text, has_attachments: false, body: "hello".to_owned() })
        );
        assert_eq!(indexed(Redactable::Redacted), None);
    }
}
