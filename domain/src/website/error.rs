//! Why a website command was refused. Each variant maps to one stable API error code.

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WebsiteError {
    /// Also what anyone outside the website's team is told, whatever they asked.
    #[error("the website does not exist")]
    WebsiteNotFound,
    #[error("the website already exists")]
    WebsiteAlreadyExists,
    #[error("only the website's owner can do this")]
    NotAllowed,
    #[error("the website has no such domain")]
    DomainNotFound,
    #[error("the website has as many domains as it may")]
    TooManyDomains,
    #[error("the website has as many agents as it may")]
    TooManyAgents,
    #[error("the owner cannot leave the website's team")]
    OwnerCannotLeave,
}
