//! Uploads are judged before they are read, and streamed to disk (issue 15: an observer's
//! eight parallel 99 MiB uploads added 577 MB to the server and then got 403).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed setup should panic

mod common;

use app::domain::role::Role;
use axum::body::{Body, Bytes};
use axum::http::{header, Request, StatusCode};
use common::*;
use std::time::Duration;
use tower::ServiceExt;

const BOUNDARY: &str = "----otklik-stream-boundary";

fn part_head(name: &str) -> Bytes {
    Bytes::from(format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: image/jpeg\r\n\r\n"
    ))
}

fn part_tail() -> Bytes {
    Bytes::from(format!("\r\n--{BOUNDARY}--\r\n"))
}

/// JPEG start (SOI + JFIF APP0) followed by `n` filler bytes.
fn jpeg(n: usize) -> Vec<u8> {
    let mut b = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10];
    b.extend_from_slice(b"JFIF\0");
    b.resize(b.len() + n, 0x42);
    b
}

/// An upload request whose body is whatever `rx` delivers, as it arrives.
fn streaming_upload(
    message: i64,
    token: &str,
    rx: tokio::sync::mpsc::Receiver<Bytes>,
) -> Request<Body> {
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv()
            .await
            .map(|chunk| (Ok::<_, std::io::Error>(chunk), rx))
    });
    Request::post(format!("/api/v1/messages/{message}/attachments"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from_stream(stream))
        .unwrap()
}

#[tokio::test]
async fn a_caller_who_may_not_upload_is_refused_before_the_body_is_read() {
    let app = TestApp::new().await;
    let observer = app.token(Role::Observer).await;
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    // The first megabyte arrives, the rest never does (the sender is kept open).
    tx.send(part_head("big.jpg")).await.unwrap();
    tx.send(Bytes::from(jpeg(1 << 20))).await.unwrap();
    let res = tokio::time::timeout(
        Duration::from_secs(10),
        app.router
            .clone()
            .oneshot(streaming_upload(1, &observer, rx)),
    )
    .await
    .expect("answered without waiting for the body")
    .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let body = body_json(res).await;
    assert_eq!(body["error"]["code"], "forbidden", "{body}");
    // An upload to a message that does not exist: 404, just as early.
    let (tx2, rx2) = tokio::sync::mpsc::channel(4);
    tx2.send(part_head("a.jpg")).await.unwrap();
    let coordinator = app.token(Role::Coordinator).await;
    let res = tokio::time::timeout(
        Duration::from_secs(10),
        app.router
            .clone()
            .oneshot(streaming_upload(999_999, &coordinator, rx2)),
    )
    .await
    .expect("answered without waiting for the body")
    .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    drop((tx, tx2));
}

/// Files being received, in the data directory's incoming folder, with their sizes.
fn incoming(app: &TestApp) -> Vec<u64> {
    match std::fs::read_dir(app.state.data_dir.join("files").join(".incoming")) {
        Ok(dir) => dir.map(|e| e.unwrap().metadata().unwrap().len()).collect(),
        Err(_) => Vec::new(),
    }
}

#[tokio::test]
async fn an_upload_is_written_to_disk_as_it_arrives_not_held_in_memory() {
    let app = TestApp::new().await;
    let coordinator = app.token(Role::Coordinator).await;
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    let upload = tokio::spawn(
        app.router
            .clone()
            .oneshot(streaming_upload(1, &coordinator, rx)),
    );
    let content = jpeg(3 << 20);
    tx.send(part_head("stream.jpg")).await.unwrap();
    tx.send(Bytes::copy_from_slice(&content[..2 << 20]))
        .await
        .unwrap();
    // Half-way through, most of what arrived is already in a file.
    let mut on_disk = 0;
    for _ in 0..200 {
        on_disk = incoming(&app).into_iter().max().unwrap_or(0);
        if on_disk >= 1 << 20 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(on_disk >= 1 << 20, "{on_disk} bytes on disk mid-upload");
    tx.send(Bytes::copy_from_slice(&content[2 << 20..]))
        .await
        .unwrap();
    tx.send(part_tail()).await.unwrap();
    drop(tx);
    let res = upload.await.unwrap().unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let file = body_json(res).await;
    assert_eq!(file["size"], content.len());
    let sha: String = app::on_db!(&app.state.pool, p => sqlx::query_scalar("SELECT sha256 FROM attachments WHERE id = $1")
        .bind(file["id"].as_i64().unwrap())
        .fetch_one(p).await)
        .unwrap();
    let stored =
        std::fs::read(app.state.data_dir.join("files").join(&sha[..2]).join(&sha)).unwrap();
    assert!(stored == content, "the stored file is the upload");
    assert!(
        incoming(&app).is_empty(),
        "nothing left in the incoming folder"
    );
}

#[tokio::test]
async fn an_upload_over_the_limit_is_cut_off_while_streaming_and_leaves_nothing() {
    let app = TestApp::new().await;
    let coordinator = app.token(Role::Coordinator).await;
    let (tx, rx) = tokio::sync::mpsc::channel(64);
    let upload = tokio::spawn(
        app.router
            .clone()
            .oneshot(streaming_upload(1, &coordinator, rx)),
    );
    tx.send(part_head("huge.jpg")).await.unwrap();
    tx.send(Bytes::from(jpeg(0))).await.unwrap();
    // Photos may have 10 MiB; send 11 and never finish the request.
    for _ in 0..11 {
        if tx.send(Bytes::from(vec![0x42; 1 << 20])).await.is_err() {
            break;
        }
    }
    let res = tokio::time::timeout(Duration::from_secs(10), upload)
        .await
        .expect("refused without waiting for the end")
        .unwrap()
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = body_json(res).await;
    assert_eq!(
        body["error"]["message"],
        "Файл «huge.jpg» больше допустимых 10 МБ"
    );
    assert!(incoming(&app).is_empty());
    drop(tx);
}
