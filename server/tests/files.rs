//! Attachments and CSV import through `/api/v1`: files checked by content and served only
//! to those who may read the message; the import's per-row report.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed setup should panic

mod common;

use app::domain::role::Role;
use axum::http::{header, StatusCode};
use common::*;
use serde_json::json;

/// A message of the demo data assigned to `executor` and in work.
async fn executors_message(app: &TestApp) -> i64 {
    app::on_db!(&app.state.pool, p => sqlx::query_scalar(
        "SELECT m.id FROM messages m JOIN users u ON u.id = m.assignee_id \
         WHERE u.login = 'executor' AND m.state = 'in_work' ORDER BY m.id LIMIT 1",
    )
    .fetch_one(p).await)
    .unwrap()
}

#[tokio::test]
async fn uploads_are_checked_by_content_and_attach_to_the_draft() {
    let app = TestApp::new().await;
    let executor = app.sign_in("executor", "demo").await;
    let id = executors_message(&app).await;

    let (s, file) = app
        .upload(id, "../../etc/фото двора.png", PNG, Auth::Cookie(&executor))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{file}");
    assert_eq!(file["mime"], "image/png");
    assert_eq!(file["size"], PNG.len());
    assert_eq!(
        file["name"], "фото двора.png",
        "the path part of the name is dropped"
    );
    // The file lives only at its content hash under the data dir.
    let sha: String = app::on_db!(&app.state.pool, p => sqlx::query_scalar("SELECT sha256 FROM attachments WHERE id = $1")
        .bind(file["id"].as_i64().unwrap())
        .fetch_one(p).await)
        .unwrap();
    let on_disk = app.state.data_dir.join("files").join(&sha[..2]).join(&sha);
    assert_eq!(std::fs::read(on_disk).unwrap(), PNG);

    // An .exe renamed .jpg, and a script renamed .png: refused by content.
    let mut exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00".to_vec();
    exe.extend_from_slice(&[0u8; 64]);
    let (s, e) = app
        .upload(id, "photo.jpg", &exe, Auth::Cookie(&executor))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("не является фото или видео"),
        "{e}"
    );
    let (s, _) = app
        .upload(
            id,
            "x.png",
            b"<script>alert(1)</script>",
            Auth::Cookie(&executor),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    // Not signed in; the observer may not attach.
    let (s, _) = app.upload(id, "a.png", PNG, Auth::Anonymous).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let observer = app.sign_in("observer", "demo").await;
    let (s, _) = app.upload(id, "a.png", PNG, Auth::Cookie(&observer)).await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // Download: the type found by content, sandboxed; not for strangers.
    let url = file["url"].as_str().unwrap();
    let res = app.send(get(url, Some(&executor))).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[header::CONTENT_TYPE], "image/png");
    assert_eq!(res.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert!(res.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .contains("sandbox"));
    assert_eq!(
        body_text(res).await.len(),
        String::from_utf8_lossy(PNG).len()
    );
    assert_eq!(
        app.send(get(url, None)).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let stranger = app.sign_in("executor2", "demo").await;
    assert_eq!(
        app.send(get(url, Some(&stranger))).await.status(),
        StatusCode::FORBIDDEN
    );

    // The draft takes the file; a file of another message or already used is refused.
    let body =
        json!({ "text": "Здравствуйте! Двор убран, фото приложено.", "attachments": [file["id"]] });
    let (s, m) = app
        .api(
            "POST",
            &format!("/api/v1/messages/{id}/submit_draft"),
            Auth::Cookie(&executor),
            Some(&body.to_string()),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{m}");
    let (_, d) = app
        .api(
            "GET",
            &format!("/api/v1/messages/{id}"),
            Auth::Cookie(&executor),
            None,
        )
        .await;
    assert_eq!(d["attachments"][0]["draft"], 1);
    assert_eq!(
        d["journal"].as_array().unwrap().last().unwrap()["details"]["attachments"],
        json!([file["id"]])
    );
}

#[tokio::test]
async fn a_draft_longer_than_the_network_allows_is_refused() {
    let app = TestApp::new().await;
    let executor = app.sign_in("executor", "demo").await;
    let id = executors_message(&app).await;
    let network: String = app::on_db!(&app.state.pool, p => sqlx::query_scalar("SELECT network FROM messages WHERE id = $1")
        .bind(id)
        .fetch_one(p).await)
        .unwrap();
    let limit = app::domain::network::Network::from_name(&network)
        .unwrap()
        .default_limit()
        .max_chars as usize;
    let body = |n: usize| json!({ "text": "я".repeat(n) }).to_string();
    let path = format!("/api/v1/messages/{id}/submit_draft");
    let (s, e) = app
        .api(
            "POST",
            &path,
            Auth::Cookie(&executor),
            Some(&body(limit + 1)),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["error"]["field"], "text");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains(&limit.to_string()),
        "{e}"
    );
    let (s, e) = app
        .api("POST", &path, Auth::Cookie(&executor), Some(&body(limit)))
        .await;
    assert_eq!(s, StatusCode::OK, "{e}");
}

#[tokio::test]
async fn csv_import_reports_each_row() {
    let app = TestApp::new().await;
    let coordinator = app.token(Role::Coordinator).await;
    let csv = "external_id;network;url;author;text;detected_at\n\
               csv-1;vk;https://vk.com/wall-1_1;Анна;\"Когда уберут снег; двор\";2026-03-16T09:00:00+03:00\n\
               csv-2;facebook;https://fb.com/1;Иван;Вопрос;2026-03-16T09:00:00+03:00\n\
               csv-1;vk;https://vk.com/wall-1_1;Анна;\"Когда уберут снег; двор\";2026-03-16T09:00:00+03:00\n\
               csv-3;ok;https://ok.ru/1;Ольга;Вопрос;16.03.2026 09:30\n";
    let req = axum::http::Request::post("/api/v1/import")
        .header(header::AUTHORIZATION, format!("Bearer {coordinator}"))
        .header(header::CONTENT_TYPE, "text/csv")
        .body(axum::body::Body::from(csv))
        .unwrap();
    let res = app.send(req).await;
    assert_eq!(res.status(), StatusCode::OK);
    let report = body_json(res).await;
    assert_eq!(
        (
            report["imported"].as_u64(),
            report["duplicates"].as_u64(),
            report["refused"].as_u64()
        ),
        (Some(2), Some(1), Some(1)),
        "{report}"
    );
    let results: Vec<&str> = report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["result"].as_str().unwrap())
        .collect();
    assert_eq!(results, ["imported", "refused", "duplicate", "imported"]);
    assert_eq!(report["rows"][1]["line"], 3);
    assert!(report["rows"][1]["error"]
        .as_str()
        .unwrap()
        .contains("facebook"));
    // The observer may not import.
    let observer = app.token(Role::Observer).await;
    let req = axum::http::Request::post("/api/v1/import")
        .header(header::AUTHORIZATION, format!("Bearer {observer}"))
        .header(header::CONTENT_TYPE, "text/csv")
        .body(axum::body::Body::from(csv))
        .unwrap();
    assert_eq!(app.send(req).await.status(), StatusCode::FORBIDDEN);
}
