//! The list's date filters and its export (issue 22): a period of detection, «закрытые за
//! период», and the list as shown (filters applied) as XLSX and CSV, read back.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed setup should panic

mod common;

use app::domain::role::Role;
use axum::http::{header, StatusCode};
use calamine::{Data, Reader, Xlsx};
use common::*;
use serde_json::{json, Value};

/// Registers a post detected at `detected` (Moscow time); its id.
async fn post(
    app: &TestApp,
    token: &str,
    n: u32,
    network: &str,
    detected: &str,
    author: &str,
) -> i64 {
    let m = app
        .register(
            token,
            &json!({
                "external_id": format!("export-{n}"),
                "network": network,
                "url": format!("https://example.org/post/{n}"),
                "author": author,
                "text": format!("Сообщение для выгрузки {n}"),
                "detected_at": format!("{detected}+03:00"),
            }),
        )
        .await;
    m["id"].as_i64().unwrap()
}

/// The ids a list query returns to `token`.
async fn ids(app: &TestApp, token: &str, query: &str) -> Vec<i64> {
    let (s, list) = app
        .api(
            "GET",
            &format!("/api/v1/messages?{query}"),
            Auth::Token(token),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{query}: {list}");
    let mut ids: Vec<i64> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_i64().unwrap())
        .collect();
    ids.sort_unstable();
    ids
}

/// A file of the API: content type and bytes.
async fn file(app: &TestApp, token: &str, path: &str) -> (String, Vec<u8>) {
    let req = axum::http::Request::get(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(axum::body::Body::empty())
        .unwrap();
    let res = app.send(req).await;
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    let ct = res.headers()[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .to_owned();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    (ct, bytes.to_vec())
}

struct World {
    app: TestApp,
    coordinator: String,
    /// Telegram on 02.02, VK on 04.02, Telegram on 06.02 (the last one returned).
    ids: [i64; 3],
}

async fn world() -> World {
    let app = TestApp::new().await;
    let authority = app.token(Role::Authority).await;
    let coordinator = app.token(Role::Coordinator).await;
    let a = post(
        &app,
        &authority,
        1,
        "telegram",
        "2026-02-02T12:00:00",
        "=HYPERLINK(\"http://x\")",
    )
    .await;
    let b = post(&app, &authority, 2, "vk", "2026-02-04T23:30:00", "Житель Б").await;
    let c = post(
        &app,
        &authority,
        3,
        "telegram",
        "2026-02-06T00:10:00",
        "Житель В",
    )
    .await;
    let (s, e) = app
        .api(
            "POST",
            &format!("/api/v1/messages/{c}/return"),
            Auth::Token(&coordinator),
            Some(&json!({ "justification": "Не наш вопрос" }).to_string()),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{e}");
    World {
        app,
        coordinator,
        ids: [a, b, c],
    }
}

#[tokio::test]
async fn the_period_bounds_the_day_of_detection_or_of_closing() {
    let World {
        app,
        coordinator: t,
        ids: [a, b, c],
    } = world().await;
    // Whole days in the deployment's time zone: 04.02 23:30 Moscow is 04.02.
    assert_eq!(ids(&app, &t, "from=2026-02-02&to=2026-02-04").await, [a, b]);
    assert_eq!(ids(&app, &t, "from=2026-02-05&to=2026-02-06").await, [c]);
    assert_eq!(ids(&app, &t, "to=2026-02-03").await, [a]);
    assert_eq!(
        ids(&app, &t, "from=2026-02-01&to=2026-02-28&network=telegram").await,
        [a, c]
    );
    // «Закрытые за период»: closed (returned) today, 16.03, whenever detected (the demo's
    // messages closed today too); closed in February: none.
    let today = ids(&app, &t, "closed=true&from=2026-03-16&to=2026-03-16").await;
    assert!(
        today.contains(&c) && !today.contains(&a) && !today.contains(&b),
        "{today:?}"
    );
    let (_, list) = app
        .api(
            "GET",
            "/api/v1/messages?closed=true&from=2026-03-16",
            Auth::Token(&t),
            None,
        )
        .await;
    for m in list.as_array().unwrap() {
        assert!(
            ["answered", "returned", "rejected"].contains(&m["status"].as_str().unwrap()),
            "{m}"
        );
    }
    assert_eq!(
        ids(&app, &t, "closed=true&from=2026-02-01&to=2026-02-28").await,
        Vec::<i64>::new()
    );
    // A period that ends before it starts, and a date that is not one.
    let (s, e) = app
        .api(
            "GET",
            "/api/v1/messages?from=2026-02-05&to=2026-02-01",
            Auth::Token(&t),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(e.to_string().contains("раньше даты"), "{e}");
    let (s, _) = app
        .api(
            "GET",
            "/api/v1/messages?from=05.02.2026",
            Auth::Token(&t),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, e) = app
        .api(
            "GET",
            "/api/v1/messages?to=1900-01-01",
            Auth::Token(&t),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(e.to_string().contains("между 2000 и 2100"), "{e}");
}

#[tokio::test]
async fn the_exported_xlsx_has_the_filtered_rows() {
    let World {
        app,
        coordinator: t,
        ids: [a, _, c],
    } = world().await;
    let query = "network=telegram&from=2026-02-01&to=2026-02-28";
    let (ct, bytes) = file(&app, &t, &format!("/api/v1/messages.xlsx?{query}")).await;
    assert_eq!(
        ct,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(book.sheet_names(), ["Сообщения"]);
    let sheet = book.worksheet_range("Сообщения").unwrap();
    assert_eq!(sheet.get_value((0, 0)), Some(&Data::String("№".into())));
    assert_eq!(sheet.get_value((0, 3)), Some(&Data::String("Автор".into())));
    // The rows of the list, in its order, and nothing else.
    let (_, list) = app
        .api(
            "GET",
            &format!("/api/v1/messages?{query}"),
            Auth::Token(&t),
            None,
        )
        .await;
    let list = list.as_array().unwrap();
    assert_eq!(sheet.height(), 1 + list.len());
    assert_eq!(list.len(), 2);
    for (i, m) in list.iter().enumerate() {
        let row = 1 + i as u32;
        assert_eq!(
            sheet.get_value((row, 0)),
            Some(&Data::Float(m["id"].as_f64().unwrap()))
        );
        assert_eq!(
            sheet.get_value((row, 2)),
            Some(&Data::String("Telegram".into()))
        );
        assert_eq!(
            sheet.get_value((row, 4)),
            Some(&Data::String(m["text"].as_str().unwrap().to_owned()))
        );
    }
    let exported: Vec<i64> = (1..=2)
        .map(|r| match sheet.get_value((r, 0)) {
            Some(Data::Float(f)) => *f as i64,
            other => panic!("{other:?}"),
        })
        .collect();
    assert!(
        exported.contains(&a) && exported.contains(&c),
        "{exported:?}"
    );
    // A formula-like author is text, not a formula.
    assert!(book
        .worksheet_formula("Сообщения")
        .unwrap()
        .used_cells()
        .next()
        .is_none());
}

#[tokio::test]
async fn the_exported_csv_is_for_excel_and_guards_formulas() {
    let World {
        app,
        coordinator: t,
        ids: [a, ..],
    } = world().await;
    let (ct, bytes) = file(
        &app,
        &t,
        "/api/v1/messages.csv?from=2026-02-02&to=2026-02-02",
    )
    .await;
    assert!(ct.starts_with("text/csv"), "{ct}");
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "a BOM");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines[0].starts_with("№;Внешний номер;Сеть;Автор;Текст"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with(&format!("{a};export-1;Telegram;")),
        "{}",
        lines[1]
    );
    assert!(lines[1].contains("'=HYPERLINK"), "guarded: {}", lines[1]);
    // Another role sees only what it may: an executor's list is theirs.
    let executor = app.sign_in("executor", "demo").await;
    let res = app
        .send(get(
            "/api/v1/messages.csv?from=2026-02-02&to=2026-02-02",
            Some(&executor),
        ))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let body = body_text(res).await;
    assert_eq!(body.lines().count(), 1, "only the header: {body}");
    // Paging is ignored, but a malformed cursor is refused as by the list.
    let (s, _) = app
        .api("GET", "/api/v1/messages.csv?cursor=", Auth::Token(&t), None)
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    // Without a caller: the JSON error.
    let res = app.send(get("/api/v1/messages.xlsx", None)).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let _: Value = body_json(res).await;
}
