//! VK API: `wall.createComment` from the community, photos through the wall upload flow,
//! `groups.getById` as the check. Parameters go in a POST form, the token with them
//! (never in the URL).

use super::client::{call, part, Networks, Sent, Upload};
use super::connections::Connection;
use crate::domain::publishing::{vk_failure, Failure};
use serde_json::Value;

/// The API version Otklik speaks.
pub const VERSION: &str = "5.199";

/// Calls `method` with `params`; the `response` or the API's error as a [`Failure`].
async fn method(
    n: &Networks,
    c: &Connection,
    name: &str,
    params: &[(&str, String)],
) -> Result<Value, Failure> {
    let mut form: Vec<(&str, String)> = params.to_vec();
    form.push(("access_token", c.token.expose().to_owned()));
    form.push(("v", VERSION.to_owned()));
    let (status, json) = call(n.http().post(format!("{}{name}", n.vk)).form(&form)).await?;
    if let Some(error) = json.get("error") {
        let code = error
            .get("error_code")
            .and_then(Value::as_i64)
            .unwrap_or_default();
        let msg = error
            .get("error_msg")
            .and_then(Value::as_str)
            .unwrap_or_default();
        return Err(vk_failure(code, msg));
    }
    if status >= 500 {
        return Err(Failure::Unavailable {
            detail: format!("HTTP {status}"),
        });
    }
    json.get("response")
        .cloned()
        .ok_or_else(|| Failure::Refused {
            detail: format!("ответ без поля response (HTTP {status})"),
        })
}

fn group(c: &Connection) -> Result<String, Failure> {
    c.group_id.clone().ok_or_else(|| Failure::Setup {
        detail: "не указан идентификатор сообщества — подключите сеть заново".to_owned(),
    })
}

/// `groups.getById`: the community's name, in Russian.
pub async fn check(n: &Networks, c: &Connection) -> Result<String, Failure> {
    let id = group(c)?;
    let r = method(n, c, "groups.getById", &[("group_id", id.clone())]).await?;
    // 5.199 answers {"groups": [...]}; older versions a bare array.
    let first = r
        .get("groups")
        .and_then(|g| g.get(0))
        .or_else(|| r.get(0))
        .cloned()
        .unwrap_or(Value::Null);
    let name = first
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("без названия");
    Ok(format!("Подключено: сообщество «{name}» (id {id})"))
}

/// Uploads a photo to the community's wall: `photos.getWallUploadServer`, the upload,
/// `photos.saveWallPhoto`; returns `photo{owner}_{id}`.
async fn photo(n: &Networks, c: &Connection, file: &Upload) -> Result<String, Failure> {
    let gid = group(c)?;
    let server = method(
        n,
        c,
        "photos.getWallUploadServer",
        &[("group_id", gid.clone())],
    )
    .await?;
    let url = server
        .get("upload_url")
        .and_then(Value::as_str)
        .ok_or_else(|| Failure::Refused {
            detail: "сервер загрузки фото не указан".to_owned(),
        })?;
    let form = reqwest::multipart::Form::new().part("photo", part(file));
    let (_, up) = call(n.http().post(url).multipart(form)).await?;
    let field = |k: &str| -> String {
        match up.get(k) {
            Some(Value::String(s)) => s.clone(),
            Some(v) => v.to_string(),
            None => String::new(),
        }
    };
    let saved = method(
        n,
        c,
        "photos.saveWallPhoto",
        &[
            ("group_id", gid),
            ("server", field("server")),
            ("photo", field("photo")),
            ("hash", field("hash")),
        ],
    )
    .await?;
    let p = saved.get(0).cloned().unwrap_or(Value::Null);
    match (
        p.get("owner_id").and_then(Value::as_i64),
        p.get("id").and_then(Value::as_i64),
    ) {
        (Some(owner), Some(id)) => Ok(format!("photo{owner}_{id}")),
        _ => Err(Failure::Refused {
            detail: "фото не сохранено".to_owned(),
        }),
    }
}

/// Publishes `text` with `files` as the community's comment under the post (a reply to
/// `reply_to` when given); `guid` makes a repeat return the same comment.
pub async fn send(
    n: &Networks,
    c: &Connection,
    (owner_id, post_id, reply_to): (i64, i64, Option<i64>),
    text: &str,
    files: &[Upload],
    guid: &str,
) -> Result<Sent, Failure> {
    let mut attachments = Vec::with_capacity(files.len());
    for f in files {
        attachments.push(photo(n, c, f).await?);
    }
    let mut params = vec![
        ("owner_id", owner_id.to_string()),
        ("post_id", post_id.to_string()),
        ("from_group", group(c)?),
        ("message", text.to_owned()),
        ("guid", guid.to_owned()),
    ];
    if let Some(r) = reply_to {
        params.push(("reply_to_comment", r.to_string()));
    }
    if !attachments.is_empty() {
        params.push(("attachments", attachments.join(",")));
    }
    let r = method(n, c, "wall.createComment", &params).await?;
    let comment = r
        .get("comment_id")
        .and_then(Value::as_i64)
        .ok_or_else(|| Failure::Refused {
            detail: "в ответе нет номера комментария".to_owned(),
        })?;
    Ok(Sent {
        link: format!("https://vk.com/wall{owner_id}_{post_id}?reply={comment}"),
        at: None,
    })
}
