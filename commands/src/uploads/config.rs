//! Where blobs are kept and how much each user may keep there.

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

/// `CHAT_STORAGE_URL`: a local directory (`file:///var/lib/chat/uploads`, or a plain path) or an
/// S3-compatible bucket (`s3://bucket` or `s3://bucket/prefix`; endpoint, region and credentials
/// from the standard `AWS_*` variables).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StorageUrl {
    Directory(PathBuf),
    S3 { bucket: String, prefix: Option<String> },
}

impl FromStr for StorageUrl {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if let Some(rest) = s.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            if bucket.is_empty() {
                return Err("s3:// needs a bucket name (s3://bucket or s3://bucket/prefix)".to_owned());
            }
            let prefix = prefix.trim_matches('/');
            return Ok(StorageUrl::S3 {
                bucket: bucket.to_owned(),
                prefix: (!prefix.is_empty()).then(|| prefix.to_owned()),
            });
        }
        let path = match s.strip_prefix("file://") {
            Some(path) => path,
            None if s.contains("://") => {
                return Err("use file:///absolute/dir, a directory path, or s3://bucket".to_owned());
            }
            None => s,
        };
        if path.is_empty() {
            return Err("the storage directory is empty".to_owned());
        }
        Ok(StorageUrl::Directory(PathBuf::from(path)))
    }
}

impl std::fmt::Display for StorageUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StorageUrl::Directory(path) => write!(f, "file://{}", path.display()),
            StorageUrl::S3 { bucket, prefix: None } => write!(f, "s3://{bucket}"),
            StorageUrl::S3 { bucket, prefix: Some(prefix) } => write!(f, "s3://{bucket}/{prefix}"),
        }
    }
}

#[derive(Clone, Debug)]
pub struct UploadConfig {
    pub storage: StorageUrl,
    /// Largest file accepted (`CHAT_UPLOAD_MAX_BYTES`).
    pub max_file_bytes: u64,
    /// What one user's uploads may add up to (`CHAT_UPLOAD_QUOTA_BYTES`).
    pub quota_bytes: u64,
    /// An upload no post names is collected once this old (`CHAT_UPLOAD_EXPIRY_SECS`), after a
    /// grace of the same again, at most two minutes (see `collect`).
    pub expiry: Duration,
    /// How long a signed download URL works (`CHAT_SIGNED_URL_TTL_SECS`).
    pub signed_url_ttl: Duration,
}

impl UploadConfig {
    pub const DEFAULT_MAX_FILE_BYTES: u64 = 100 * 1024 * 1024;
    pub const DEFAULT_QUOTA_BYTES: u64 = 1024 * 1024 * 1024;
    pub const DEFAULT_EXPIRY: Duration = Duration::from_secs(24 * 3600);
    pub const DEFAULT_SIGNED_URL_TTL: Duration = Duration::from_secs(300);

    /// The defaults, storing in `storage`.
    pub fn new(storage: StorageUrl) -> Self {
        Self {
            storage,
            max_file_bytes: Self::DEFAULT_MAX_FILE_BYTES,
            quota_bytes: Self::DEFAULT_QUOTA_BYTES,
            expiry: Self::DEFAULT_EXPIRY,
            signed_url_ttl: Self::DEFAULT_SIGNED_URL_TTL,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_urls_name_a_directory_or_a_bucket() {
        assert_eq!("file:///var/lib/chat".parse(), Ok(StorageUrl::Directory("/var/lib/chat".into())));
        assert_eq!("data/uploads".parse(), Ok(StorageUrl::Directory("data/uploads".into())));
        assert_eq!("s3://chat".parse(), Ok(StorageUrl::S3 { bucket: "chat".into(), prefix: None }));
        assert_eq!(
            "s3://chat/eu/files/".parse(),
            Ok(StorageUrl::S3 { bucket: "chat".into(), prefix: Some("eu/files".into()) })
        );
        assert!("s3://".parse::<StorageUrl>().is_err());
        assert!("gs://bucket".parse::<StorageUrl>().is_err());
        assert!("".parse::<StorageUrl>().is_err());
    }
}
