//! `/v1/websites…`: support-chat websites for their teams — register, rename, domains and
//! their verification, widget settings, agents. Only the website's team sees it (everyone
//! else gets `404 website_not_found`); only its owner changes it.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chat_domain::WebsiteId;
use chat_domain::text::{TextError, Username, WebsiteName};
use chat_domain::website::{
    BusinessHours, ColorPreset, DayHours, Greeting, SiteDomain, VerificationFailure, VerificationMethod,
    WebsiteCommand, WebsiteError, WidgetLanguage, WidgetPosition, WidgetSettings, WidgetSize,
};
use chat_projections::queries::users;
use chat_projections::queries::websites::{self, WebsiteDetail, WebsiteSummary};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::callers::{Caller, Reader};
use super::error::ErrorBody;
use super::extract::{ApiJson, ApiPath};
use super::{ApiError, AppState};
use crate::parse::{InvalidField, field};
use crate::websites::new_token;
use chat_domain::UserId;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create, list))
        .routes(routes!(detail, rename))
        .routes(routes!(change_widget))
        .routes(routes!(add_domain))
        .routes(routes!(remove_domain))
        .routes(routes!(check_domain))
        .routes(routes!(add_agent))
        .routes(routes!(remove_agent))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct WebsiteNameRequest {
    /// 1–100 characters on one line, trimmed.
    #[schema(max_length = 100)]
    name: String,
}

#[derive(Serialize, utoipa::ToSchema)]
struct CreatedWebsite {
    website_id: WebsiteId,
}

/// Whether a website command wrote anything.
#[derive(Serialize, utoipa::ToSchema)]
struct WebsiteReply {
    /// `false` when the website already was as asked.
    changed: bool,
}

/// Register a website; the caller becomes its owner.
#[utoipa::path(post, path = "/v1/websites", operation_id = "create_website", tag = "websites",
    request_body = WebsiteNameRequest,
    responses(
        (status = 201, description = "The new website", body = CreatedWebsite),
        (status = 422, description = "`invalid_request`, `invalid_input` (`name`)", body = ErrorBody),
    ))]
async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(request): ApiJson<WebsiteNameRequest>,
) -> Result<(StatusCode, Json<CreatedWebsite>), ApiError> {
    let name = field("name", WebsiteName::parse(request.name))?;
    let website_id = WebsiteId::from_uuid(Uuid::now_v7());
    state.websites.execute(website_id, WebsiteCommand::Register { by: caller.user, name }, caller.meta()).await?;
    Ok((StatusCode::CREATED, Json(CreatedWebsite { website_id })))
}

#[derive(Serialize, utoipa::ToSchema)]
struct WebsiteList {
    websites: Vec<WebsiteSummary>,
}

/// The websites the caller owns or is an agent of, by name.
#[utoipa::path(get, path = "/v1/websites", operation_id = "list_websites", tag = "websites",
    responses((status = 200, description = "The caller's websites", body = WebsiteList)))]
async fn list(State(state): State<AppState>, reader: Reader) -> Result<Json<WebsiteList>, ApiError> {
    Ok(Json(WebsiteList { websites: websites::mine(&state.pool, reader.user).await? }))
}

/// A website with its settings, domains and agents (its team only).
#[utoipa::path(get, path = "/v1/websites/{website_id}", operation_id = "get_website", tag = "websites",
    params(("website_id" = Uuid, Path, description = "The website")),
    responses(
        (status = 200, description = "The website", body = WebsiteDetail),
        (status = 404, description = "`website_not_found` (also for anyone outside its team)", body = ErrorBody),
    ))]
async fn detail(
    State(state): State<AppState>,
    reader: Reader,
    ApiPath(website): ApiPath<WebsiteId>,
) -> Result<Json<WebsiteDetail>, ApiError> {
    websites::detail(&state.pool, website, reader.user)
        .await?
        .map(Json)
        .ok_or(ApiError::Website(WebsiteError::WebsiteNotFound.into()))
}

/// Rename a website (its owner).
#[utoipa::path(patch, path = "/v1/websites/{website_id}", operation_id = "rename_website", tag = "websites",
    params(("website_id" = Uuid, Path, description = "The website")),
    request_body = WebsiteNameRequest,
    responses(
        (status = 200, description = "Renamed (`changed: false` if it had that name)", body = WebsiteReply),
        (status = 403, description = "`not_allowed` (an agent)", body = ErrorBody),
        (status = 404, description = "`website_not_found`", body = ErrorBody),
        (status = 422, description = "`invalid_request`, `invalid_input` (`name`)", body = ErrorBody),
    ))]
async fn rename(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(website): ApiPath<WebsiteId>,
    ApiJson(request): ApiJson<WebsiteNameRequest>,
) -> Result<Json<WebsiteReply>, ApiError> {
    let name = field("name", WebsiteName::parse(request.name))?;
    let changed =
        state.websites.execute(website, WebsiteCommand::Rename { by: caller.user, name }, caller.meta()).await?;
    Ok(Json(WebsiteReply { changed }))
}

/// The widget's settings as a client sends them (checked into [`WidgetSettings`]).
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct WidgetRequest {
    color: ColorPreset,
    size: WidgetSize,
    language: WidgetLanguage,
    position: WidgetPosition,
    /// 1–200 characters on one line; null: the language's default.
    #[schema(max_length = 200, required = true)]
    greeting: Option<String>,
    pre_chat_form: bool,
    /// Null: agents answer at any time.
    #[schema(required = true)]
    business_hours: Option<BusinessHoursRequest>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct BusinessHoursRequest {
    /// An IANA time zone such as `Europe/Berlin`, or `UTC`.
    #[schema(max_length = 64)]
    time_zone: String,
    /// Seven entries, Monday first; null: closed that day.
    #[schema(min_items = 7, max_items = 7)]
    days: Vec<Option<DayHoursRequest>>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct DayHoursRequest {
    /// Minutes after midnight.
    #[schema(maximum = 1439)]
    opens: u16,
    /// Minutes after midnight, after `opens`, at most 1440.
    #[schema(maximum = 1440)]
    closes: u16,
}

impl TryFrom<WidgetRequest> for WidgetSettings {
    type Error = InvalidField;

    fn try_from(request: WidgetRequest) -> Result<Self, InvalidField> {
        let greeting = request.greeting.map(|text| field("greeting", Greeting::parse(text))).transpose()?;
        let business_hours = request
            .business_hours
            .map(|hours| {
                let days = hours.days.into_iter().map(|day| day.map(|d| DayHours { opens: d.opens, closes: d.closes }));
                field("business_hours", BusinessHours::parse(hours.time_zone, days.collect()))
            })
            .transpose()?;
        Ok(WidgetSettings {
            color: request.color,
            size: request.size,
            language: request.language,
            position: request.position,
            greeting,
            pre_chat_form: request.pre_chat_form,
            business_hours,
        })
    }
}

/// Replace the widget's settings (its owner).
#[utoipa::path(put, path = "/v1/websites/{website_id}/widget", operation_id = "change_widget", tag = "websites",
    params(("website_id" = Uuid, Path, description = "The website")),
    request_body = WidgetRequest,
    responses(
        (status = 200, description = "Changed (`changed: false` if the settings were these)", body = WebsiteReply),
        (status = 403, description = "`not_allowed` (an agent)", body = ErrorBody),
        (status = 404, description = "`website_not_found`", body = ErrorBody),
        (status = 422, description = "`invalid_request`, `invalid_input` (`greeting`, `business_hours`)", body = ErrorBody),
    ))]
async fn change_widget(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(website): ApiPath<WebsiteId>,
    ApiJson(request): ApiJson<WidgetRequest>,
) -> Result<Json<WebsiteReply>, ApiError> {
    let settings = WidgetSettings::try_from(request)?;
    let command = WebsiteCommand::ChangeWidget { by: caller.user, settings };
    Ok(Json(WebsiteReply { changed: state.websites.execute(website, command, caller.meta()).await? }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct DomainRequest {
    /// A host name or IPv4 address with an optional `:port` (`shop.example.com`,
    /// `localhost:3000`); a pasted URL counts for its host and port.
    #[schema(max_length = 259)]
    domain: String,
}

/// A listed domain and the token its owner must publish.
#[derive(Serialize, utoipa::ToSchema)]
struct AddedDomain {
    domain: SiteDomain,
    /// Publish it as a line of `/.well-known/chat-verification.txt`, or as
    /// `<meta name="chat-verification" content="…">` on the home page.
    token: String,
}

/// List a domain for the widget (its owner); then publish the token and ask for a check.
#[utoipa::path(post, path = "/v1/websites/{website_id}/domains", operation_id = "add_domain", tag = "websites",
    params(("website_id" = Uuid, Path, description = "The website")),
    request_body = DomainRequest,
    responses(
        (status = 201, description = "Listed, unverified", body = AddedDomain),
        (status = 200, description = "Already listed: its token", body = AddedDomain),
        (status = 403, description = "`not_allowed` (an agent)", body = ErrorBody),
        (status = 404, description = "`website_not_found`", body = ErrorBody),
        (status = 422, description = "`invalid_request`, `invalid_input` (`domain`), `too_many_domains`", body = ErrorBody),
    ))]
async fn add_domain(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(website): ApiPath<WebsiteId>,
    ApiJson(request): ApiJson<DomainRequest>,
) -> Result<(StatusCode, Json<AddedDomain>), ApiError> {
    let domain = field("domain", SiteDomain::parse(authority(&request.domain)))?;
    let (token, changed) =
        state.websites.add_domain(website, caller.user, domain.clone(), new_token(), caller.meta()).await?;
    let status = if changed { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(AddedDomain { domain, token: token.as_str().to_owned() })))
}

/// The host and port of what an owner pasted: a domain as it is, or the authority of a URL
/// (`https://shop.example.com/` → `shop.example.com`).
fn authority(pasted: &str) -> &str {
    let pasted = pasted.trim();
    let rest = pasted.split_once("://").map_or(pasted, |(_, rest)| rest);
    rest.split(['/', '?', '#']).next().unwrap_or(rest)
}

/// A `{domain}` path parameter: a [`SiteDomain`], or `400 invalid_path`.
struct DomainParam(SiteDomain);

impl<'de> Deserialize<'de> for DomainParam {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        SiteDomain::parse(&text)
            .map(DomainParam)
            .map_err(|error: TextError| serde::de::Error::custom(format!("domain: {error}")))
    }
}

/// Take a domain off the website (its owner): the widget stops loading there.
#[utoipa::path(delete, path = "/v1/websites/{website_id}/domains/{domain}", operation_id = "remove_domain", tag = "websites",
    params(("website_id" = Uuid, Path, description = "The website"), ("domain" = String, Path, description = "The domain")),
    responses(
        (status = 200, description = "Removed (`changed: false` if it was not listed)", body = WebsiteReply),
        (status = 400, description = "`invalid_path` (not a domain)", body = ErrorBody),
        (status = 403, description = "`not_allowed` (an agent)", body = ErrorBody),
        (status = 404, description = "`website_not_found`", body = ErrorBody),
    ))]
async fn remove_domain(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((website, DomainParam(domain))): ApiPath<(WebsiteId, DomainParam)>,
) -> Result<Json<WebsiteReply>, ApiError> {
    let command = WebsiteCommand::RemoveDomain { by: caller.user, domain };
    Ok(Json(WebsiteReply { changed: state.websites.execute(website, command, caller.meta()).await? }))
}

/// What a domain check found.
#[derive(Serialize, utoipa::ToSchema)]
struct DomainCheck {
    domain: SiteDomain,
    verified: bool,
    /// Where the token was found, when it was.
    #[schema(required = true)]
    method: Option<VerificationMethod>,
    /// Why it was not, when it was not.
    #[schema(required = true)]
    failure: Option<VerificationFailure>,
}

/// Check now that the domain publishes its token (its owner), and record the outcome. The
/// server fetches `/.well-known/chat-verification.txt` (https, or http if https does not
/// connect), then the home page; never from private, loopback or link-local addresses.
#[utoipa::path(post, path = "/v1/websites/{website_id}/domains/{domain}/check", operation_id = "check_domain", tag = "websites",
    params(("website_id" = Uuid, Path, description = "The website"), ("domain" = String, Path, description = "The domain")),
    responses(
        (status = 200, description = "The outcome (a failure is an answer, not an error)", body = DomainCheck),
        (status = 400, description = "`invalid_path` (not a domain)", body = ErrorBody),
        (status = 403, description = "`not_allowed` (an agent)", body = ErrorBody),
        (status = 404, description = "`website_not_found`, `domain_not_found`", body = ErrorBody),
        (status = 429, description = "`rate_limited`", body = ErrorBody),
    ))]
async fn check_domain(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((website, DomainParam(domain))): ApiPath<(WebsiteId, DomainParam)>,
) -> Result<Json<DomainCheck>, ApiError> {
    state.limits.domain_check(caller.user)?;
    let outcome = state.websites.check_domain(website, caller.user, domain.clone(), caller.meta()).await?;
    Ok(Json(DomainCheck { domain, verified: outcome.is_ok(), method: outcome.ok(), failure: outcome.err() }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct AgentRequest {
    /// The user's login name (any case).
    #[schema(max_length = 32)]
    username: String,
}

#[derive(Serialize, utoipa::ToSchema)]
struct AddedAgent {
    user_id: Uuid,
    /// `false` when they were on the team already.
    changed: bool,
}

/// Add a user to the website's team by username (its owner).
#[utoipa::path(post, path = "/v1/websites/{website_id}/agents", operation_id = "add_agent", tag = "websites",
    params(("website_id" = Uuid, Path, description = "The website")),
    request_body = AgentRequest,
    responses(
        (status = 200, description = "On the team", body = AddedAgent),
        (status = 403, description = "`not_allowed` (an agent)", body = ErrorBody),
        (status = 404, description = "`website_not_found`, `user_not_found`", body = ErrorBody),
        (status = 422, description = "`invalid_request`, `too_many_agents`", body = ErrorBody),
    ))]
async fn add_agent(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(website): ApiPath<WebsiteId>,
    ApiJson(request): ApiJson<AgentRequest>,
) -> Result<Json<AddedAgent>, ApiError> {
    let Ok(username) = Username::parse(&request.username) else { return Err(ApiError::UserNotFound) };
    let user = users::by_username(&state.pool, username.as_str()).await?.ok_or(ApiError::UserNotFound)?;
    let command = WebsiteCommand::AddAgent { by: caller.user, user: UserId::from_uuid(user.user_id) };
    let changed = state.websites.execute(website, command, caller.meta()).await?;
    Ok(Json(AddedAgent { user_id: user.user_id, changed }))
}

/// Remove an agent (the owner), or leave the team (an agent, naming themselves): they also
/// leave the website's support conversations.
#[utoipa::path(delete, path = "/v1/websites/{website_id}/agents/{user_id}", operation_id = "remove_agent", tag = "websites",
    params(("website_id" = Uuid, Path, description = "The website"), ("user_id" = Uuid, Path, description = "The agent")),
    responses(
        (status = 200, description = "Off the team (`changed: false` if they were not on it)", body = WebsiteReply),
        (status = 403, description = "`not_allowed`", body = ErrorBody),
        (status = 404, description = "`website_not_found`", body = ErrorBody),
        (status = 409, description = "`owner_cannot_leave`", body = ErrorBody),
    ))]
async fn remove_agent(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((website, user)): ApiPath<(WebsiteId, UserId)>,
) -> Result<Json<WebsiteReply>, ApiError> {
    let command = WebsiteCommand::RemoveAgent { by: caller.user, user };
    let changed = state.websites.execute(website, command, caller.meta()).await?;
    if changed {
        super::support::dismiss_from_conversations(&state, website, &caller, user).await;
    }
    Ok(Json(WebsiteReply { changed }))
}

#[cfg(test)]
mod tests {
    use super::authority;

    #[test]
    fn a_pasted_url_counts_for_its_host_and_port() {
        assert_eq!(authority(" https://Shop.example.com:8443/cart?x=1#top "), "Shop.example.com:8443");
        assert_eq!(authority("shop.example.com/"), "shop.example.com");
        assert_eq!(authority("localhost:3000"), "localhost:3000");
        assert_eq!(authority("user@evil.example"), "user@evil.example");
    }
}
