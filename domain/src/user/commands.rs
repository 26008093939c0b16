//! What can be done to a user.

use crate::text::{DisplayName, Username};

#[derive(Clone, Debug, PartialEq)]
pub enum UserCommand {
    /// Registering again with the same username is a no-op, so that a registration
    /// interrupted after its credentials were stored can be completed by retrying.
    Register {
        username: Username,
        display_name: DisplayName,
    },
    UpdateProfile {
        display_name: DisplayName,
    },
    /// Erase the user's personal data (the right to erasure). Erasing again is a no-op, so that
    /// an erasure whose clean-up must be repeated can simply be run again.
    Erase,
}
