//! Telegram Bot API: the reply goes into the channel's discussion group (the connection's
//! chat map), as a reply to the comment or to the channel post (`reply_parameters`);
//! photos with `sendPhoto` or `sendMediaGroup` and the text as the caption. `getMe` is the
//! check. The token is in the method's path, so no URL is ever logged.

use super::client::{call, part, Networks, Sent, Upload};
use super::connections::Connection;
use crate::domain::publishing::{telegram_failure, Failure};
use serde_json::{json, Value};

/// Calls `name` with a JSON body or a multipart form; the `result` or a [`Failure`].
async fn method(n: &Networks, c: &Connection, name: &str, body: Body) -> Result<Value, Failure> {
    let url = format!("{}bot{}/{name}", n.telegram, c.token.expose());
    let request = match body {
        Body::Json(v) => n.http().post(url).json(&v),
        Body::Form(f) => n.http().post(url).multipart(f),
        Body::None => n.http().get(url),
    };
    let (status, json) = call(request).await?;
    if json.get("ok").and_then(Value::as_bool) == Some(true) {
        return Ok(json.get("result").cloned().unwrap_or(Value::Null));
    }
    let code = json
        .get("error_code")
        .and_then(Value::as_i64)
        .unwrap_or(i64::from(status));
    let description = json
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let retry_after = json
        .get("parameters")
        .and_then(|p| p.get("retry_after"))
        .and_then(Value::as_u64);
    Err(telegram_failure(code, description, retry_after))
}

enum Body {
    Json(Value),
    Form(reqwest::multipart::Form),
    None,
}

/// `getMe`: the bot's name, in Russian.
pub async fn check(n: &Networks, c: &Connection) -> Result<String, Failure> {
    let me = method(n, c, "getMe", Body::None).await?;
    let name = me
        .get("username")
        .and_then(Value::as_str)
        .unwrap_or("без имени");
    let groups = c.chat_map.len();
    Ok(format!(
        "Подключено: бот @{name}; каналов с группой обсуждения: {groups}"
    ))
}

/// The public link of a channel's post with a comment.
fn link(channel: &str, post: i64, comment: i64) -> String {
    match channel.strip_prefix("-100") {
        Some(id) => format!("https://t.me/c/{id}/{post}?comment={comment}"),
        None => format!("https://t.me/{channel}/{post}?comment={comment}"),
    }
}

/// Publishes `text` (with `files`, the text as the first caption) into `channel`'s
/// discussion group, replying to `comment` there, or to the channel's post.
pub async fn send(
    n: &Networks,
    c: &Connection,
    (channel, post_id, comment): (&str, i64, Option<i64>),
    text: &str,
    files: &[Upload],
) -> Result<Sent, Failure> {
    let chat = c
        .chat_map
        .get(channel)
        .cloned()
        .ok_or_else(|| Failure::Setup {
            detail: format!(
                "для канала {channel} не указана группа обсуждения: подключите Telegram с \
             --chat-map {channel}=ID_ГРУППЫ"
            ),
        })?;
    let reply = match comment {
        Some(id) => json!({ "message_id": id }),
        None => {
            let chat_id = if channel.starts_with("-100") {
                json!(channel.parse::<i64>().unwrap_or_default())
            } else {
                json!(format!("@{channel}"))
            };
            json!({ "message_id": post_id, "chat_id": chat_id })
        }
    };
    let result = match files {
        [] => {
            let body = json!({ "chat_id": chat, "text": text, "reply_parameters": reply });
            method(n, c, "sendMessage", Body::Json(body)).await?
        }
        [one] => {
            let form = reqwest::multipart::Form::new()
                .text("chat_id", chat)
                .text("caption", text.to_owned())
                .text("reply_parameters", reply.to_string())
                .part("photo", part(one));
            method(n, c, "sendPhoto", Body::Form(form)).await?
        }
        many => {
            let media: Vec<Value> = (0..many.len())
                .map(|i| {
                    let mut m = json!({ "type": "photo", "media": format!("attach://file{i}") });
                    if i == 0 {
                        m["caption"] = json!(text);
                    }
                    m
                })
                .collect();
            let mut form = reqwest::multipart::Form::new()
                .text("chat_id", chat)
                .text("media", Value::Array(media).to_string())
                .text("reply_parameters", reply.to_string());
            for (i, f) in many.iter().enumerate() {
                form = form.part(format!("file{i}"), part(f));
            }
            let all = method(n, c, "sendMediaGroup", Body::Form(form)).await?;
            all.get(0).cloned().unwrap_or(Value::Null)
        }
    };
    let id = result
        .get("message_id")
        .and_then(Value::as_i64)
        .ok_or_else(|| Failure::Refused {
            detail: "в ответе нет номера сообщения".to_owned(),
        })?;
    let at = result
        .get("date")
        .and_then(Value::as_i64)
        .and_then(|s| chrono::DateTime::from_timestamp(s, 0));
    Ok(Sent {
        link: link(channel, post_id, id),
        at,
    })
}
