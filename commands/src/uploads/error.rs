//! Why an upload, an attachment or a download was refused; each maps to one stable code.

use chat_domain::ErrorCode;

use super::sniff::Refusal;

#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("the file is larger than {max} bytes")]
    TooLarge { max: u64 },
    #[error(
        "your uploads would exceed your quota of {quota} bytes; delete messages with files or wait for unposted uploads to expire"
    )]
    QuotaExceeded { quota: u64 },
    #[error("{}", not_allowed(.sniffed))]
    NotAllowed { sniffed: Option<&'static str> },
    #[error("the file's content is {sniffed}, not the declared {declared}")]
    MimeMismatch { declared: String, sniffed: &'static str },
    #[error("the Content-Type header is not a media type")]
    InvalidContentType,
    #[error(
        "the image is larger than {max_pixels} pixels a side, or than {max_bytes} bytes, or decodes to too much memory"
    )]
    ImageTooLarge { max_pixels: u32, max_bytes: u64 },
    #[error("the image does not decode: {0}")]
    InvalidImage(String),
    /// The client stopped sending (or its connection broke) before the end of the file.
    #[error("the upload was interrupted")]
    Interrupted,
    #[error("no bytes arrived for {} seconds", .0.as_secs())]
    Stalled(std::time::Duration),
    #[error("the object store failed: {0}")]
    Storage(#[from] object_store::Error),
    #[error("the database failed: {0}")]
    Database(#[from] sqlx::Error),
    #[error("image processing failed: {0}")]
    Processing(String),
}

fn not_allowed(sniffed: &Option<&'static str>) -> String {
    match sniffed {
        Some(sniffed) => format!("files of type {sniffed} are not accepted here"),
        None => "this type of file is not accepted (see docs/api.md for the allowed types)".to_owned(),
    }
}

impl From<Refusal> for UploadError {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::NotAllowed { sniffed } => UploadError::NotAllowed { sniffed },
            Refusal::Mismatch { declared, sniffed } => UploadError::MimeMismatch { declared, sniffed },
        }
    }
}

impl UploadError {
    pub fn code(&self) -> ErrorCode {
        match self {
            UploadError::TooLarge { .. } => ErrorCode::PayloadTooLarge,
            UploadError::QuotaExceeded { .. } => ErrorCode::QuotaExceeded,
            UploadError::NotAllowed { .. } | UploadError::InvalidContentType => ErrorCode::UnsupportedMediaType,
            UploadError::MimeMismatch { .. } => ErrorCode::MimeMismatch,
            UploadError::ImageTooLarge { .. } => ErrorCode::ImageTooLarge,
            UploadError::InvalidImage(_) => ErrorCode::InvalidImage,
            UploadError::Interrupted => ErrorCode::MalformedRequest,
            UploadError::Stalled(_) => ErrorCode::Timeout,
            UploadError::Storage(_) | UploadError::Database(_) | UploadError::Processing(_) => ErrorCode::Internal,
        }
    }
}

/// Why a post's upload ids were refused (before the room decides).
#[derive(Debug, thiserror::Error)]
pub enum AttachError {
    #[error("a message has at most {} attachments", chat_domain::attachment::MAX_PER_MESSAGE)]
    TooMany,
    /// Unknown, someone else's, or expired: alike, so that ids cannot be probed.
    #[error("upload {0} does not exist, is not yours, or expired")]
    NotFound(chat_domain::UploadId),
    #[error("the database failed: {0}")]
    Database(#[from] sqlx::Error),
}

impl AttachError {
    pub fn code(&self) -> ErrorCode {
        match self {
            AttachError::TooMany => ErrorCode::TooManyAttachments,
            AttachError::NotFound(_) => ErrorCode::UploadNotFound,
            AttachError::Database(_) => ErrorCode::Internal,
        }
    }
}
