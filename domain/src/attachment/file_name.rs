//! The name a file is offered under: what the uploader called it, made safe to show and to
//! put in a `Content-Disposition` header on any system.
//!
//! Sanitising never fails (a name is a courtesy, not an identifier): whatever a client sends
//! becomes some usable name, at worst `file`.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A sanitised file name: no path, no control or bidirectional-override characters, none of
/// `"*:<>?|\/`, no leading dot, 1–[`FileName::MAX_CHARS`] characters, the extension kept when
/// it had to be shortened.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FileName(String);

impl FileName {
    pub const MAX_CHARS: usize = 200;
    /// What a name that sanitises to nothing becomes.
    pub const FALLBACK: &'static str = "file";

    pub fn sanitise(raw: &str) -> Self {
        // The last path component, whichever separator the client's system uses.
        let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
        let cleaned: String = base
            .chars()
            .filter(|c| !c.is_control() && !is_bidi_control(*c))
            .map(|c| if "\"*:<>?|".contains(c) { '_' } else { c })
            .collect();
        let trimmed = cleaned.trim().trim_start_matches('.').trim_end_matches(['.', ' ']).trim();
        if trimmed.is_empty() {
            return Self(Self::FALLBACK.to_owned());
        }
        Self(shorten(trimmed, Self::MAX_CHARS))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name in ASCII, for the `filename=` fallback of `Content-Disposition`: every other
    /// character (and `"`, `\`, `%`) becomes `_`.
    pub fn ascii_fallback(&self) -> String {
        self.0.chars().map(|c| if c.is_ascii_graphic() && !"\"\\%".contains(c) || c == ' ' { c } else { '_' }).collect()
    }
}

impl fmt::Display for FileName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Characters that reorder text on screen ("invoice" + U+202E + "fdp.exe" shows as "invoiceexe.pdf").
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{061c}')
}

/// `name` in at most `max` characters, its extension (up to 16 characters after the last dot)
/// kept.
fn shorten(name: &str, max: usize) -> String {
    let count = name.chars().count();
    if count <= max {
        return name.to_owned();
    }
    let extension = match name.rsplit_once('.') {
        Some((stem, extension)) if !stem.is_empty() && extension.chars().count() <= 16 => extension,
        _ => "",
    };
    let keep = if extension.is_empty() { max } else { max - extension.chars().count() - 1 };
    let stem: String = name.chars().take(keep).collect();
    let stem = stem.trim_end();
    if extension.is_empty() { stem.to_owned() } else { format!("{stem}.{extension}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(raw: &str) -> String {
        FileName::sanitise(raw).as_str().to_owned()
    }

    #[test]
    fn a_plain_name_is_kept() {
        assert_eq!(name("holiday photo (2).JPG"), "holiday photo (2).JPG");
        assert_eq!(name("Übersicht – März.pdf"), "Übersicht – März.pdf");
    }

    #[test]
    fn paths_are_cut_to_their_last_component() {
        assert_eq!(name("../../etc/passwd"), "passwd");
        assert_eq!(name("C:\\Users\\ada\\report.docx"), "report.docx");
        assert_eq!(name("dir/"), "file");
    }

    #[test]
    fn hidden_reserved_and_control_characters_go() {
        assert_eq!(name(".bashrc"), "bashrc");
        assert_eq!(name(".."), "file");
        assert_eq!(name("a<b>c:d\"e|f?g*h.txt"), "a_b_c_d_e_f_g_h.txt");
        assert_eq!(name("line\nbreak\u{0}.txt"), "linebreak.txt");
        assert_eq!(name("invoice\u{202e}fdp.exe"), "invoicefdp.exe");
        assert_eq!(name("  trailing dots... "), "trailing dots");
        assert_eq!(name(""), "file");
    }

    #[test]
    fn long_names_keep_their_extension() {
        let long = format!("{}.pdf", "a".repeat(300));
        let shortened = name(&long);
        assert_eq!(shortened.chars().count(), FileName::MAX_CHARS);
        assert!(shortened.ends_with("a.pdf"));
        assert_eq!(name(&"é".repeat(300)).chars().count(), FileName::MAX_CHARS);
    }

    #[test]
    fn the_ascii_fallback_has_only_safe_characters() {
        assert_eq!(FileName::sanitise("Übersicht 100%.pdf").ascii_fallback(), "_bersicht 100_.pdf");
    }
}
