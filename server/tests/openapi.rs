//! The OpenAPI document says what the API does (issue 15): query parameters are declared
//! `in: query`, and requests the API cannot parse are answered with its JSON error.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed setup should panic

mod common;

use app::domain::role::Role;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::*;

#[tokio::test]
async fn path_parameters_are_in_the_path_and_the_rest_in_the_query() {
    let app = TestApp::new().await;
    let (_, doc) = app
        .api("GET", "/api/v1/openapi.json", Auth::Anonymous, None)
        .await;
    let mut query = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for p in op["parameters"].as_array().into_iter().flatten() {
                let name = p["name"].as_str().unwrap();
                match p["in"].as_str().unwrap() {
                    "path" => {
                        assert!(
                            path.contains(&format!("{{{name}}}")),
                            "{method} {path}: `{name}` declared in the path"
                        );
                        assert_eq!(p["required"], true, "{method} {path} {name}");
                    }
                    "query" => {
                        // Only the calendar's range is required.
                        let required = p["required"] == true;
                        assert_eq!(
                            required,
                            path == "/api/v1/calendar",
                            "{method} {path} {name} required: {required}"
                        );
                        query.push(format!("{method} {path} {name}"));
                    }
                    "header" => {}
                    other => panic!("{method} {path} {name} in {other}"),
                }
            }
        }
    }
    for expected in [
        "get /api/v1/messages status",
        "get /api/v1/messages limit",
        "get /api/v1/messages offset",
        "get /api/v1/messages q",
        "get /api/v1/messages cursor",
        "get /api/v1/messages topic",
        "get /api/v1/messages posts",
        "get /api/v1/messages from",
        "get /api/v1/messages to",
        "get /api/v1/messages closed",
        "get /api/v1/messages.xlsx closed",
        "get /api/v1/messages.csv from",
        "get /api/v1/calendar from",
        "get /api/v1/calendar to",
        "get /api/v1/users role",
        "get /api/v1/events after",
        "get /api/v1/reports from",
        "get /api/v1/reports to",
        "get /api/v1/reports by",
        "get /api/v1/reports.xlsx by",
        "get /api/v1/reports.csv from",
        "get /api/v1/reports/rating.xlsx to",
    ] {
        assert!(
            query.contains(&expected.to_owned()),
            "{expected}: {query:?}"
        );
    }
    assert_eq!(query.len(), 70, "{query:?}");
}

/// Asserts the response is the API's JSON error with `status`.
async fn json_error(res: axum::response::Response, status: StatusCode) -> serde_json::Value {
    assert_eq!(res.status(), status);
    assert!(
        res.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/json"),
        "{:?}",
        res.headers()
    );
    let body = body_json(res).await;
    assert!(body["error"]["code"].is_string(), "{body}");
    assert!(body["error"]["message"].is_string(), "{body}");
    body
}

#[tokio::test]
async fn unparsable_requests_get_the_json_error() {
    let app = TestApp::new().await;
    let token = app.token(Role::Authority).await;
    let auth = format!("Bearer {token}");
    let send = |method: &str, uri: &str, headers: Vec<(&str, &str)>, body: &str| {
        let mut req = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::AUTHORIZATION, auth.clone());
        for (k, v) in headers {
            req = req.header(k, v);
        }
        req.body(Body::from(body.to_owned())).unwrap()
    };
    let over_i64 = "92233720368547758070";
    for uri in [
        format!("/api/v1/messages/{over_i64}"),
        format!("/api/v1/attachments/{over_i64}"),
    ] {
        let res = app.send(send("GET", &uri, vec![], "")).await;
        let body = json_error(res, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(body["error"]["field"], "path");
    }
    for uri in [
        format!("/api/v1/messages/{over_i64}/approve"),
        format!("/api/v1/messages/{over_i64}/attachments"),
    ] {
        let res = app.send(send("POST", &uri, vec![], "")).await;
        json_error(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let res = app
        .send(send(
            "GET",
            "/api/v1/events",
            vec![("last-event-id", "null")],
            "",
        ))
        .await;
    json_error(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    let res = app
        .send(send(
            "POST",
            "/api/v1/messages",
            vec![("content-type", "application/json")],
            "",
        ))
        .await;
    json_error(res, StatusCode::BAD_REQUEST).await;
    let res = app.send(send("POST", "/api/v1/messages", vec![], "")).await;
    json_error(res, StatusCode::BAD_REQUEST).await;
    let res = app
        .send(send("GET", "/api/v1/users?role=a&role=b", vec![], ""))
        .await;
    json_error(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    let res = app
        .send(send("GET", "/api/v1/messages?limit=-1", vec![], ""))
        .await;
    json_error(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    // A method the route does not have: 405 with Allow, as JSON.
    let res = app.send(send("PUT", "/api/v1/messages", vec![], "")).await;
    let allow = res.headers()[header::ALLOW].to_str().unwrap().to_owned();
    assert!(allow.contains("POST") && allow.contains("GET"), "{allow}");
    let body = json_error(res, StatusCode::METHOD_NOT_ALLOWED).await;
    assert_eq!(body["error"]["code"], "method_not_allowed");
}

#[tokio::test]
async fn every_error_answer_is_documented_with_the_json_error_body() {
    let app = TestApp::new().await;
    let (_, doc) = app
        .api("GET", "/api/v1/openapi.json", Auth::Anonymous, None)
        .await;
    let mut errors = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for (status, response) in op["responses"].as_object().unwrap() {
                if status.starts_with('4') || status.starts_with('5') {
                    errors += 1;
                    assert_eq!(
                        response["content"]["application/json"]["schema"]["$ref"],
                        "#/components/schemas/ErrorBody",
                        "{method} {path} {status}"
                    );
                }
            }
        }
    }
    assert!(errors > 30, "{errors}");
    // `publish` takes `"via": "network"` as well as a link, and says what a network's
    // refusal looks like.
    let act = &doc["paths"]["/api/v1/messages/{id}/{action}"]["post"];
    assert!(act["responses"]["502"]["description"]
        .as_str()
        .unwrap()
        .contains("via"));
    let via = &doc["components"]["schemas"]["PublishVia"];
    assert_eq!(
        via["properties"]["via"]["$ref"], "#/components/schemas/Via",
        "{via}"
    );
    assert_eq!(doc["components"]["schemas"]["Via"]["enum"][0], "network");
    let detail = &doc["components"]["schemas"]["ErrorDetail"];
    let mut required: Vec<&str> = detail["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    required.sort();
    assert_eq!(required, ["code", "message"]);
    // The resume header is a number when sent: `Last-Event-ID: null` is not valid.
    let events = &doc["paths"]["/api/v1/events"]["get"]["parameters"];
    let header = events
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "Last-Event-ID")
        .unwrap();
    assert_eq!(header["schema"]["type"], "integer");
    assert_ne!(header["required"], true);
}
