//! What a file is, by its first bytes, and whether we take it.
//!
//! Browsers guess a file's type from its name, and a client can claim anything; the bytes are
//! what a reader's program will act on. So the type an upload is stored and served under is
//! sniffed from its first [`SNIFF_BYTES`] and must be on the allow-list below, and a declared
//! type (the upload's `Content-Type`) must agree with it: `image/png` declared for a PDF is
//! refused (`mime_mismatch`). `application/octet-stream` (or no type) declares nothing.
//!
//! | sniffed | by | declared types that agree (kept as declared when listed as refinements) |
//! | --- | --- | --- |
//! | `image/png`, `image/jpeg`, `image/gif`, `image/webp` | their signatures | the same (`image/jpg` too) |
//! | `application/pdf` | `%PDF-` | the same |
//! | `application/zip` | `PK\x03\x04`, `PK\x05\x06` | the same; refinements: Office (docx, xlsx, pptx), OpenDocument, EPUB |
//! | `video/mp4`, `audio/mp4` | an ISO `ftyp` box of a non-image brand | the same (`audio/x-m4a` too) |
//! | `video/webm` | EBML with doctype `webm` | the same, `audio/webm` (refinement) |
//! | `audio/mpeg` | `ID3` or an MPEG audio frame | the same (`audio/mp3` too) |
//! | `audio/ogg` | `OggS` | the same, `video/ogg`, `application/ogg`, `audio/opus` |
//! | `text/plain` | none of the above, valid UTF-8 without NUL (checked over the whole file) | the same; refinements: `text/csv`, `text/markdown` |
//!
//! Everything else (executables, HTML, SVG, archives other than zip…) is refused
//! (`unsupported_media_type`): HTML or SVG served from our origin could run script.

use chat_domain::attachment::MimeType;

/// Bytes looked at to tell a type.
pub const SNIFF_BYTES: usize = 512;

/// One allowed format.
struct Format {
    sniffed: &'static str,
    /// Other spellings of the same type, stored as `sniffed`.
    spellings: &'static [&'static str],
    /// More specific types of the same bytes, stored as declared.
    refinements: &'static [&'static str],
}

const FORMATS: &[Format] = &[
    Format { sniffed: "image/png", spellings: &[], refinements: &[] },
    Format { sniffed: "image/jpeg", spellings: &["image/jpg", "image/pjpeg"], refinements: &[] },
    Format { sniffed: "image/gif", spellings: &[], refinements: &[] },
    Format { sniffed: "image/webp", spellings: &[], refinements: &[] },
    Format { sniffed: "application/pdf", spellings: &["application/x-pdf"], refinements: &[] },
    Format {
        sniffed: "application/zip",
        spellings: &["application/x-zip-compressed", "application/x-zip"],
        refinements: &[
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            "application/vnd.oasis.opendocument.text",
            "application/vnd.oasis.opendocument.spreadsheet",
            "application/vnd.oasis.opendocument.presentation",
            "application/epub+zip",
        ],
    },
    Format { sniffed: "video/mp4", spellings: &[], refinements: &[] },
    Format { sniffed: "audio/mp4", spellings: &["audio/x-m4a", "audio/m4a"], refinements: &[] },
    Format { sniffed: "video/webm", spellings: &[], refinements: &["audio/webm"] },
    Format { sniffed: "audio/mpeg", spellings: &["audio/mp3"], refinements: &[] },
    Format { sniffed: "audio/ogg", spellings: &[], refinements: &["video/ogg", "application/ogg", "audio/opus"] },
    Format { sniffed: "text/plain", spellings: &[], refinements: &["text/csv", "text/markdown"] },
];

/// What "no declared type" looks like.
const UNDECLARED: &str = "application/octet-stream";

/// Why a file's type is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Not on the allow-list (`sniffed` is what it looked like, if anything known).
    NotAllowed { sniffed: Option<&'static str> },
    /// The bytes are `sniffed`, the client said `declared`.
    Mismatch { declared: String, sniffed: &'static str },
}

/// The allowed type of a file that starts with `head` (its first [`SNIFF_BYTES`], or all of
/// it if shorter, then `whole` is true): `None` if it is none of them. A text file is only
/// known to be text once all of it was checked ([`TextCheck`]).
pub fn sniff(head: &[u8], whole: bool) -> Option<&'static str> {
    let starts = |signature: &[u8]| head.starts_with(signature);
    if starts(b"\x89PNG\r\n\x1a\n") {
        return Some("image/png");
    }
    if starts(b"\xff\xd8\xff") {
        return Some("image/jpeg");
    }
    if starts(b"GIF87a") || starts(b"GIF89a") {
        return Some("image/gif");
    }
    if starts(b"RIFF") && head.get(8..12) == Some(b"WEBP") {
        return Some("image/webp");
    }
    if starts(b"%PDF-") {
        return Some("application/pdf");
    }
    if starts(b"PK\x03\x04") || starts(b"PK\x05\x06") {
        return Some("application/zip");
    }
    if head.get(4..8) == Some(b"ftyp") {
        return match head.get(8..12) {
            Some(b"M4A " | b"M4B ") => Some("audio/mp4"),
            // QuickTime and the image formats in ISO boxes (HEIC, AVIF) are not allowed.
            Some(b"qt  " | b"heic" | b"heix" | b"mif1" | b"msf1" | b"avif" | b"avis") | None => None,
            Some(_) => Some("video/mp4"),
        };
    }
    if starts(b"\x1a\x45\xdf\xa3") {
        return head.windows(4).any(|w| w == b"webm").then_some("video/webm");
    }
    if starts(b"OggS") {
        return Some("audio/ogg");
    }
    if starts(b"ID3") || is_mpeg_audio_frame(head) {
        return Some("audio/mpeg");
    }
    looks_like_text(head, whole).then_some("text/plain")
}

/// An MPEG audio frame header: 11 sync bits, a version, and a layer other than "reserved" (AAC's
/// ADTS has that layer, and is not MP3).
fn is_mpeg_audio_frame(head: &[u8]) -> bool {
    matches!(head, [0xff, second, ..] if second & 0xe0 == 0xe0 && second & 0x06 != 0 && second & 0x18 != 0x08)
}

fn looks_like_text(head: &[u8], whole: bool) -> bool {
    let mut check = TextCheck::default();
    check.feed(head) && (!whole || check.finish())
}

/// The type to store a file under, given what it was sniffed as and what the client declared.
pub fn agree(declared: Option<&MimeType>, sniffed: Option<&'static str>) -> Result<MimeType, Refusal> {
    let declared = declared.map(MimeType::as_str).filter(|declared| *declared != UNDECLARED);
    let Some(format) = sniffed.and_then(|sniffed| FORMATS.iter().find(|f| f.sniffed == sniffed)) else {
        return Err(Refusal::NotAllowed { sniffed });
    };
    let stored = match declared {
        None => format.sniffed,
        Some(declared) if declared == format.sniffed || format.spellings.contains(&declared) => format.sniffed,
        Some(declared) if format.refinements.contains(&declared) => declared,
        Some(declared) => return Err(Refusal::Mismatch { declared: declared.to_owned(), sniffed: format.sniffed }),
    };
    MimeType::parse(stored).map_err(|_| Refusal::NotAllowed { sniffed: Some(format.sniffed) })
}

/// Checks a text file as it streams by: valid UTF-8 (a character may span two chunks) and no
/// NUL byte.
#[derive(Default)]
pub struct TextCheck {
    /// The start of a character cut off at the end of the last chunk.
    carry: Vec<u8>,
}

impl TextCheck {
    /// Whether everything so far can be text.
    pub fn feed(&mut self, chunk: &[u8]) -> bool {
        if chunk.contains(&0) {
            return false;
        }
        let mut joined;
        let bytes = if self.carry.is_empty() {
            chunk
        } else {
            joined = std::mem::take(&mut self.carry);
            joined.extend_from_slice(chunk);
            &joined[..]
        };
        match std::str::from_utf8(bytes) {
            Ok(_) => true,
            Err(error) if error.error_len().is_none() => {
                self.carry = bytes[error.valid_up_to()..].to_vec();
                true
            }
            Err(_) => false,
        }
    }

    /// Whether the file ended on a whole character.
    pub fn finish(&self) -> bool {
        self.carry.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mime(s: &str) -> MimeType {
        MimeType::parse(s).unwrap()
    }

    #[test]
    fn signatures_tell_the_allowed_binary_types() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", false), Some("image/png"));
        assert_eq!(sniff(b"\xff\xd8\xff\xe0\0\x10JFIF", false), Some("image/jpeg"));
        assert_eq!(sniff(b"GIF89a\x01\0", false), Some("image/gif"));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 ", false), Some("image/webp"));
        assert_eq!(sniff(b"%PDF-1.7\n", false), Some("application/pdf"));
        assert_eq!(sniff(b"PK\x03\x04\x14\0", false), Some("application/zip"));
        assert_eq!(sniff(b"\0\0\0\x18ftypmp42\0\0\0\0", false), Some("video/mp4"));
        assert_eq!(sniff(b"\0\0\0\x18ftypM4A \0\0\0\0", false), Some("audio/mp4"));
        assert_eq!(sniff(b"\0\0\0\x18ftypheic\0\0\0\0", false), None);
        assert_eq!(sniff(b"\x1a\x45\xdf\xa3\x9f\x42\x82\x84webm", false), Some("video/webm"));
        assert_eq!(sniff(b"\x1a\x45\xdf\xa3\x9f\x42\x82\x88matroska", false), None);
        assert_eq!(sniff(b"OggS\0\x02", false), Some("audio/ogg"));
        assert_eq!(sniff(b"ID3\x04\0", false), Some("audio/mpeg"));
        assert_eq!(sniff(&[0xff, 0xfb, 0x90, 0x44], false), Some("audio/mpeg"));
        assert_eq!(sniff(&[0xff, 0xf1, 0x50, 0x80], false), None, "AAC in ADTS");
    }

    #[test]
    fn text_is_utf_8_without_nul_and_everything_else_is_unknown() {
        assert_eq!(sniff("grüße\n".as_bytes(), true), Some("text/plain"));
        assert_eq!(sniff(b"", true), Some("text/plain"));
        assert_eq!(sniff(b"MZ\x90\0\x03\0", true), None, "a Windows executable");
        assert_eq!(sniff(b"\x7fELF\x02\x01\x01\0", true), None);
        assert_eq!(sniff(b"\xc3", true), None, "a cut character at the end of the file");
        assert_eq!(sniff(b"\xc3", false), Some("text/plain"), "…but not at the end of the head");
        assert_eq!(sniff(b"\xc3\x28", false), None);
    }

    #[test]
    fn a_character_split_across_chunks_is_still_text() {
        let mut check = TextCheck::default();
        let bytes = "ä".as_bytes();
        assert!(check.feed(&bytes[..1]) && !check.finish());
        assert!(check.feed(&bytes[1..]) && check.finish());
        assert!(!check.feed(b"a\0b"));
    }

    #[test]
    fn the_declared_type_must_agree_with_the_sniffed_one() {
        assert_eq!(agree(Some(&mime("image/png")), Some("image/png")), Ok(mime("image/png")));
        assert_eq!(agree(Some(&mime("image/jpg")), Some("image/jpeg")), Ok(mime("image/jpeg")));
        assert_eq!(agree(None, Some("application/pdf")), Ok(mime("application/pdf")));
        assert_eq!(agree(Some(&mime("application/octet-stream")), Some("image/gif")), Ok(mime("image/gif")));
        let docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
        assert_eq!(agree(Some(&mime(docx)), Some("application/zip")), Ok(mime(docx)));
        assert_eq!(agree(Some(&mime("text/csv; charset=utf-8")), Some("text/plain")), Ok(mime("text/csv")));
        assert_eq!(
            agree(Some(&mime("image/png")), Some("application/pdf")),
            Err(Refusal::Mismatch { declared: "image/png".into(), sniffed: "application/pdf" })
        );
        assert_eq!(
            agree(Some(&mime("text/html")), Some("text/plain")),
            Err(Refusal::Mismatch { declared: "text/html".into(), sniffed: "text/plain" })
        );
        assert_eq!(agree(Some(&mime("application/x-msdownload")), None), Err(Refusal::NotAllowed { sniffed: None }));
    }
}
