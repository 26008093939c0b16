//! What a check reports: the domain's [`VerificationMethod`] when the token was found, else
//! the one [`VerificationFailure`] most worth telling the site owner about. Both are the
//! domain's types, since the outcome is recorded in the website's events as it is.

pub use chat_domain::website::{VerificationFailure, VerificationMethod};

/// Of the file's and the home page's failures, the one that tells the owner most: a refused
/// address over a wrong token over a malformed file over a misbehaving server over plain
/// absence.
pub(super) fn most_useful(a: VerificationFailure, b: VerificationFailure) -> VerificationFailure {
    if usefulness(b) > usefulness(a) { b } else { a }
}

const fn usefulness(failure: VerificationFailure) -> u8 {
    use VerificationFailure::*;
    match failure {
        ForbiddenAddress => 9,
        TokenMismatch => 8,
        TooLarge => 7,
        NotText => 6,
        BadStatus => 5,
        TooManyRedirects => 4,
        Timeout => 3,
        TokenNotFound => 2,
        Unreachable => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::VerificationFailure::*;
    use super::most_useful;

    #[test]
    fn a_mismatch_beats_absence_and_absence_beats_unreachable() {
        assert_eq!(most_useful(TokenNotFound, TokenMismatch), TokenMismatch);
        assert_eq!(most_useful(TokenMismatch, BadStatus), TokenMismatch);
        assert_eq!(most_useful(Unreachable, TokenNotFound), TokenNotFound);
        assert_eq!(most_useful(TokenNotFound, BadStatus), BadStatus);
        assert_eq!(most_useful(TooManyRedirects, TokenNotFound), TooManyRedirects);
        assert_eq!(most_useful(TokenMismatch, ForbiddenAddress), ForbiddenAddress);
    }
}
