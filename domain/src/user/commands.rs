//! What can be done to a user.

use super::contact::{Email, ExternalUserId};
use crate::ids::WebsiteId;
use crate::text::{DisplayName, Username};

#[derive(Clone, Debug, PartialEq)]
pub enum UserCommand {
    /// Registering again with the same username is a no-op, so that a registration
    /// interrupted after its credentials were stored can be completed by retrying.
    Register {
        username: Username,
        display_name: DisplayName,
    },
    /// An anonymous visitor of a website's support chat: a user without a username or
    /// password, whose tokens are scoped to that website. Again for the same website: a no-op.
    RegisterVisitor {
        website_id: WebsiteId,
        display_name: DisplayName,
        email: Option<Email>,
    },
    /// The website's server vouched (by its signature, checked by the caller) that this visitor
    /// is its user `external_id`. A visitor is one website user for good: another id is refused.
    /// Again with the same id: only a new `email` is recorded.
    IdentifyVisitor {
        website_id: WebsiteId,
        external_id: ExternalUserId,
        email: Option<Email>,
    },
    UpdateProfile {
        display_name: DisplayName,
    },
    /// Erase the user's personal data (the right to erasure). Erasing again is a no-op, so that
    /// an erasure whose clean-up must be repeated can simply be run again.
    Erase,
}
