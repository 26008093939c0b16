//! Why a room command was refused. Each variant maps to one stable API error code.

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RoomError {
    #[error("the room does not exist")]
    RoomNotFound,
    #[error("the room already exists")]
    RoomAlreadyExists,
    #[error("you are not a member of this room")]
    NotAMember,
    #[error("your role in this room does not allow this")]
    NotAllowed,
    #[error("the room is private: an admin must add you")]
    RoomIsPrivate,
    #[error("a direct room needs another user")]
    DirectRoomWithSelf,
    #[error("the members of a direct room cannot change")]
    DirectRoomMembershipIsFixed,
    #[error("the owner cannot leave the room")]
    OwnerCannotLeave,
    #[error("that user is not a member of this room")]
    TargetNotAMember,
    #[error("the message does not exist in this room")]
    MessageNotFound,
    #[error("the message has been deleted")]
    MessageDeleted,
    #[error("only the author can edit a message")]
    NotTheAuthor,
    #[error("the message replied to does not exist in this room")]
    ReplyTargetNotFound,
    #[error("the room has no event with that sequence yet")]
    ReadMarkerBeyondEnd,
    #[error("the members of a support conversation are its visitor and its website's agents")]
    MembershipManaged,
    #[error("the room is not a support conversation")]
    NotSupport,
    #[error("a message needs a body or at least one attachment")]
    EmptyMessage,
    #[error("a message has at most {} attachments", crate::attachment::MAX_PER_MESSAGE)]
    TooManyAttachments,
    #[error("no such invite")]
    InviteNotFound,
    #[error("the invite has expired")]
    InviteExpired,
    #[error("the invite was revoked")]
    InviteRevoked,
    #[error("the invite has been used as often as it allows")]
    InviteUsedUp,
    #[error("an invite with that code exists already")]
    InviteExists,
    #[error("the user is banned from this room")]
    UserBanned,
    /// A direct room (or a post or reaction in one) between two people one of whom blocks the
    /// other. Decided by the caller, who knows the blocks (`Room::direct_members`).
    #[error("you cannot message this user")]
    DirectBlocked,
}
