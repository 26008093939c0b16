//! What sort of message a post is, for clients that render kinds differently and for the
//! search projector's filters. Derived from the post's attachments, never stored: this one
//! function is the rule, whoever asks.

use serde::{Deserialize, Serialize};

use super::Attachment;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    /// Text only.
    #[default]
    Text,
    /// One or more attachments, every one an image.
    Image,
    /// One or more attachments, at least one not an image.
    File,
    /// A line for a membership or support event (`RoomEvent::is_system_line`, the history's
    /// `system` lines); never a post.
    System,
}

impl MessageKind {
    /// The kind of a post with these attachments.
    pub fn of_post(attachments: &[Attachment]) -> Self {
        if attachments.is_empty() {
            MessageKind::Text
        } else if attachments.iter().all(Attachment::is_image) {
            MessageKind::Image
        } else {
            MessageKind::File
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            MessageKind::Text => "text",
            MessageKind::Image => "image",
            MessageKind::File => "file",
            MessageKind::System => "system",
        }
    }
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;
    use crate::attachment::{FileName, MimeType, Sha256Digest};
    use crate::ids::UploadId;

    fn file(mime: &str) -> Attachment {
        Attachment {
            id: UploadId::from_uuid(Uuid::now_v7()),
            name: FileName::sanitise("x").into(),
            mime: MimeType::parse(mime).unwrap(),
            size: 1,
            sha256: Sha256Digest::from_bytes([0; 32]),
            width: None,
            height: None,
            thumbnail: false,
        }
    }

    #[test]
    fn given_no_attachments_then_text() {
        assert_eq!(MessageKind::of_post(&[]), MessageKind::Text);
    }

    #[test]
    fn given_only_images_then_image() {
        assert_eq!(MessageKind::of_post(&[file("image/png"), file("image/jpeg")]), MessageKind::Image);
    }

    #[test]
    fn given_any_other_file_then_file() {
        assert_eq!(MessageKind::of_post(&[file("image/png"), file("application/pdf")]), MessageKind::File);
        assert_eq!(MessageKind::of_post(&[file("text/plain")]), MessageKind::File);
    }

    #[test]
    fn kinds_are_written_in_snake_case() {
        for kind in [MessageKind::Text, MessageKind::Image, MessageKind::File, MessageKind::System] {
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
        }
    }
}
