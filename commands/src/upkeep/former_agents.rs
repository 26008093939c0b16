//! Former agents still in support conversations are taken out of them. Removing an agent
//! dismisses them from the website's conversations right away (`http::support`), but only from
//! those the read models show, and only if the process lives to do it; whatever that missed is
//! found here: members of a conversation who are neither its visitor nor, as the website itself
//! says (the read models may trail a team change either way), on its team.

use chat_domain::room::RoomCommand;
use chat_projections::queries::support;
use sqlx::PgPool;
use uuid::Uuid;

use crate::room_writer::RoomWriters;
use crate::store::CommandMeta;
use crate::websites::Websites;

/// Dismisses every former agent found, on behalf of the website's owner (metadata
/// `via: upkeep`); failures are logged and tried again next round.
pub(super) async fn dismiss(pool: &PgPool, websites: &Websites, rooms: &RoomWriters) -> Result<(), sqlx::Error> {
    for (website, room, user) in support::members_off_the_team(pool).await? {
        let (owner, team) = match websites.team(website).await {
            Ok(Some(team)) => team,
            Ok(None) => continue,
            Err(error) => {
                tracing::warn!(%website, %error, "cannot read a website's team");
                continue;
            }
        };
        if team.contains(&user) {
            continue;
        }
        let meta =
            CommandMeta { actor: owner, request_id: format!("upkeep-{}", Uuid::now_v7()), via: "upkeep".to_owned() };
        match rooms.execute(room, RoomCommand::DismissAgent { by: owner, user }, meta).await {
            Ok(_) => {
                tracing::info!(%website, room_id = %room, user_id = %user, "a former agent left a support conversation")
            }
            Err(error) => {
                tracing::warn!(%website, room_id = %room, user_id = %user, %error, "cannot dismiss a former agent")
            }
        }
    }
    Ok(())
}
