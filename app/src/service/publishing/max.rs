//! MAX Bot API: `POST /messages?chat_id=…` with a reply link to the message; images are
//! uploaded first (`POST /uploads?type=image`) and attached by their token. `GET /me` is
//! the check. The token goes in the `Authorization` header.

use super::client::{call, part, Networks, Sent, Upload};
use super::connections::Connection;
use crate::domain::publishing::{max_failure, Failure};
use serde_json::{json, Value};

/// Sends `request` with the token; the JSON answer or a [`Failure`].
async fn authorised(c: &Connection, request: reqwest::RequestBuilder) -> Result<Value, Failure> {
    let (status, json) = call(request.header("Authorization", c.token.expose())).await?;
    if (200..300).contains(&status) {
        return Ok(json);
    }
    let text = |k: &str| {
        json.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    Err(max_failure(status, &text("code"), &text("message")))
}

/// `GET /me`: the bot's name, in Russian.
pub async fn check(n: &Networks, c: &Connection) -> Result<String, Failure> {
    let me = authorised(c, n.http().get(format!("{}me", n.max))).await?;
    let name = me
        .get("username")
        .or_else(|| me.get("name"))
        .or_else(|| me.get("first_name"))
        .and_then(Value::as_str)
        .unwrap_or("без имени");
    Ok(format!("Подключено: бот {name}"))
}

/// Uploads an image; its attachment.
async fn image(n: &Networks, c: &Connection, file: &Upload) -> Result<Value, Failure> {
    let slot = authorised(c, n.http().post(format!("{}uploads?type=image", n.max))).await?;
    let url = slot
        .get("url")
        .and_then(Value::as_str)
        .ok_or_else(|| Failure::Refused {
            detail: "сервер загрузки не указан".to_owned(),
        })?;
    let form = reqwest::multipart::Form::new().part("data", part(file));
    let (status, uploaded) = call(n.http().post(url).multipart(form)).await?;
    if !(200..300).contains(&status) {
        return Err(max_failure(status, "upload", "изображение не загружено"));
    }
    Ok(json!({ "type": "image", "payload": uploaded }))
}

/// Publishes `text` with `files` into `chat_id` as a reply to `mid`.
pub async fn send(
    n: &Networks,
    c: &Connection,
    (chat_id, mid): (i64, &str),
    text: &str,
    files: &[Upload],
) -> Result<Sent, Failure> {
    let mut attachments = Vec::with_capacity(files.len());
    for f in files {
        attachments.push(image(n, c, f).await?);
    }
    let mut body = json!({ "text": text, "link": { "type": "reply", "mid": mid } });
    if !attachments.is_empty() {
        body["attachments"] = Value::Array(attachments);
    }
    let url = format!("{}messages?chat_id={chat_id}", n.max);
    let r = authorised(c, n.http().post(url).json(&body)).await?;
    let message = r.get("message").cloned().unwrap_or(Value::Null);
    let new_mid = message
        .get("body")
        .and_then(|b| b.get("mid"))
        .and_then(Value::as_str)
        .ok_or_else(|| Failure::Refused {
            detail: "в ответе нет идентификатора сообщения".to_owned(),
        })?;
    let link = message
        .get("url")
        .and_then(Value::as_str)
        .filter(|u| u.starts_with("https://"))
        .map(str::to_owned)
        .unwrap_or_else(|| format!("https://max.ru/c/{chat_id}/{new_mid}"));
    let at = message
        .get("timestamp")
        .and_then(Value::as_i64)
        .and_then(chrono::DateTime::from_timestamp_millis);
    Ok(Sent { link, at })
}
