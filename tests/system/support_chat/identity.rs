//! Identity verification (docs/api.md §12.4): the website's server signs its user's id with the
//! website's identity secret, and the visitor who shows the signature is that user's one
//! contact — the same conversations on a second device, nobody else's with a wrong or an old
//! signature, never across websites, and gone with an erasure.

use std::time::Duration;

use hmac::{Hmac, Mac};
use reqwest::Method;
use serde_json::{Value, json};
use sha2::Sha256;
use uuid::Uuid;

use super::{PROJECTED_WITHIN, Shop, Visitor, in_inbox};
use crate::harness::{Api, Reply, Server, Stack, User, eventually, run_chat};

/// What the website's server computes: `hex(HMAC-SHA256(secret, user_id))`.
fn sign(secret: &str, user_id: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(user_id.as_bytes());
    mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

async fn identify(visitor: &User, website: Uuid, body: Value) -> Reply {
    visitor.call(Method::POST, &format!("/v1/widget/{website}/identify"), Some(body)).await
}

/// The visitor a session answer names, as a client that switches to it.
fn as_visitor(api: &Api, session: &Reply) -> User {
    User {
        id: session.uuid("visitor_id"),
        username: String::new(),
        token: session.str("token").to_owned(),
        api: api.clone(),
    }
}

#[tokio::test]
async fn a_signed_user_id_makes_a_visitor_the_same_contact_on_every_device_and_nothing_else() {
    let stack = Stack::new().await;
    let server = Server::start(&stack, "up").await;
    let api = Api::new(server.url());
    let shop = Shop::open(&api).await;
    let other_shop = Shop::open(&api).await;
    let secret_path = format!("/v1/websites/{}/identity-secret", shop.website);

    // The owner makes the secret and reads it again; an agent may not.
    assert_eq!(shop.owner.get(&secret_path).await.body["secret"], Value::Null);
    let made = shop.owner.call(Method::POST, &secret_path, None).await;
    assert_eq!(made.status, 201, "{made:?}");
    let secret = made.str("secret").to_owned();
    assert!(secret.len() == 64 && secret.chars().all(|c| c.is_ascii_hexdigit()), "{secret}");
    assert_eq!(shop.owner.get(&secret_path).await.str("secret"), secret);
    assert_eq!(shop.agent.get(&secret_path).await.code(), Some("not_allowed"));

    // Anonymous first, with the pre-chat form's email; then the website says who it is.
    let arrived = api
        .call(
            Method::POST,
            &format!("/v1/widget/{}/visitors", shop.website),
            None,
            Some(json!({"display_name": "Ada", "email": "ada@home.example"})),
        )
        .await;
    assert_eq!(arrived.status, 201, "{arrived:?}");
    let laptop = Visitor { user: as_visitor(&api, &arrived), session: arrived };
    let room = laptop.start(shop.website).await;
    assert_eq!(laptop.user.post(room, "Is my order on its way?", "l-1").await.status, 201);
    let entry = in_inbox(&shop, &shop.agent, "open", room, |c| c["visitor_email"] == "ada@home.example").await;
    assert_eq!(entry["visitor_external_id"], Value::Null);

    for (user_hash, why) in
        [(sign(&secret, "user-43"), "another user's"), (sign("guess", "user-42"), "a guessed secret's")]
    {
        let refused = identify(&laptop.user, shop.website, json!({"user_id": "user-42", "user_hash": user_hash})).await;
        assert_eq!((refused.status, refused.code()), (403, Some("identity_not_verified")), "{why}: {refused:?}");
    }
    let signed = sign(&secret, "user-42");
    let body =
        json!({"user_id": "user-42", "user_hash": signed, "display_name": "Ada Lovelace", "email": "ada@work.example"});
    let identified = identify(&laptop.user, shop.website, body.clone()).await;
    assert_eq!(identified.status, 200, "{identified:?}");
    // The anonymous visitor became the contact: what they wrote stays theirs.
    assert_eq!(identified.uuid("visitor_id"), laptop.user.id);
    assert_eq!(identified.str("display_name"), "Ada Lovelace");
    let entry = in_inbox(&shop, &shop.agent, "open", room, |c| c["visitor_external_id"] == "user-42").await;
    assert_eq!(
        (entry["visitor_name"].as_str(), entry["visitor_email"].as_str()),
        (Some("Ada Lovelace"), Some("ada@work.example"))
    );

    // A second device: a new anonymous visitor, identified as the same user, gets the first
    // one's session and conversation.
    let phone = shop.visitor(&api, None).await;
    let on_phone = identify(&phone.user, shop.website, json!({"user_id": "user-42", "user_hash": signed})).await;
    assert_eq!(on_phone.status, 200, "{on_phone:?}");
    assert_eq!(on_phone.uuid("visitor_id"), laptop.user.id);
    let phone_as_ada = as_visitor(&api, &on_phone);
    let theirs = phone_as_ada.get(&format!("/v1/widget/{}/conversations", shop.website)).await;
    assert_eq!(theirs.body["conversations"][0]["room_id"], room.to_string(), "{theirs:?}");
    let history = phone_as_ada.history(room, 10).await;
    assert!(history.body.to_string().contains("Is my order on its way?"), "{history:?}");
    // Its refresh token renews a visitor's token for the same contact.
    let refreshed = api
        .call(Method::POST, "/v1/auth/refresh", None, Some(json!({"refresh_token": on_phone.str("refresh_token")})))
        .await;
    assert_eq!(refreshed.uuid("user_id"), laptop.user.id, "{refreshed:?}");

    // The contact cannot become another user: identified as someone else, the browser gets a
    // new visitor with nothing of Ada's.
    let bob =
        identify(&phone_as_ada, shop.website, json!({"user_id": "user-7", "user_hash": sign(&secret, "user-7")})).await;
    assert_eq!(bob.status, 200, "{bob:?}");
    assert_ne!(bob.uuid("visitor_id"), laptop.user.id);
    let bobs = as_visitor(&api, &bob).get(&format!("/v1/widget/{}/conversations", shop.website)).await;
    assert_eq!(bobs.body["conversations"], json!([]), "{bobs:?}");

    // Never across websites: another website's visitor with the same signature is told there is
    // no such website, and that website's own secret does not make its visitor Ada either.
    let stranger = other_shop.visitor(&api, None).await;
    let across = identify(&stranger.user, shop.website, json!({"user_id": "user-42", "user_hash": signed})).await;
    assert_eq!((across.status, across.code()), (404, Some("website_not_found")));
    let no_secret =
        identify(&stranger.user, other_shop.website, json!({"user_id": "user-42", "user_hash": signed})).await;
    assert_eq!((no_secret.status, no_secret.code()), (403, Some("identity_not_verified")));

    // A new secret: the old signature stops working, the new one finds the same contact.
    let rotated = shop.owner.call(Method::POST, &secret_path, None).await.str("secret").to_owned();
    assert_ne!(rotated, secret);
    let stale = identify(&phone.user, shop.website, json!({"user_id": "user-42", "user_hash": signed})).await;
    assert_eq!(stale.code(), Some("identity_not_verified"));
    let fresh =
        identify(&phone.user, shop.website, json!({"user_id": "user-42", "user_hash": sign(&rotated, "user-42")}))
            .await;
    assert_eq!(fresh.uuid("visitor_id"), laptop.user.id);

    // Erased, the contact is gone: the same user id makes a new, empty visitor.
    let erased = run_chat(&stack, &["users", "erase", &laptop.user.id.to_string()], Duration::from_secs(60)).await;
    erased.expect_success();
    let after = shop.visitor(&api, None).await;
    let again =
        identify(&after.user, shop.website, json!({"user_id": "user-42", "user_hash": sign(&rotated, "user-42")}))
            .await;
    assert_eq!(again.status, 200, "{again:?}");
    assert_eq!(again.uuid("visitor_id"), after.user.id);
    eventually("the erased contact's details gone from the inbox", PROJECTED_WITHIN, || async {
        let entry = shop.inbox(&shop.agent, "open").await.into_iter().find(|c| c["room_id"] == room.to_string())?;
        (entry["visitor_email"].is_null() && entry["visitor_external_id"].is_null()).then_some(())
    })
    .await;
}
