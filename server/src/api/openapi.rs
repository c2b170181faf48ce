//! The OpenAPI 3 document of `/api/v1`, generated from the handlers' annotations so that it
//! cannot drift from the routes (a test compares both).

use super::{attachments, calendar, events, import, messages, reports, users};
use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// The API description.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Otklik API",
        version = "1",
        description = "Messages from open sources and their answers (SPEC «Integration API»). \
Bearer tokens are issued by `otklik token add`; times are RFC 3339 with the deployment's offset; \
errors are `{\"error\": {\"code\", \"message\"}}`."
    ),
    paths(
        messages::create,
        messages::list,
        messages::list_xlsx,
        messages::list_csv,
        messages::get,
        messages::act,
        messages::link,
        messages::unlink,
        attachments::upload,
        attachments::download,
        calendar::days,
        import::csv,
        reports::report,
        reports::xlsx,
        reports::rating_xlsx,
        reports::board,
        reports::csv,
        users::list,
        events::stream,
        document,
    ),
    components(schemas(ErrorBody, ErrorDetail)),
    modifiers(&BearerAuth, &ErrorBodies)
)]
pub struct ApiDoc;

/// Every error answer: `{"error": {"code", "message"[, "field"]}}`.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // documentation only: errors are built in `error.rs`
pub struct ErrorBody {
    /// What went wrong.
    error: ErrorDetail,
}

/// The error's details.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // documentation only
pub struct ErrorDetail {
    /// Machine-readable code (`unauthorized`, `forbidden`, `not_found`, `conflict`,
    /// `validation`, `bad_request`, `unsupported_media_type`, `payload_too_large`, …).
    code: String,
    /// What to do about it, in Russian.
    message: String,
    /// The field at fault (validation errors).
    field: Option<String>,
}

/// Gives every 4xx answer of the document the JSON error body.
struct ErrorBodies;

impl Modify for ErrorBodies {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{Content, Ref, RefOr};
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.delete,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                for (status, response) in operation.responses.responses.iter_mut() {
                    if let (true, RefOr::T(response)) =
                        (status.starts_with('4') || status.starts_with('5'), response)
                    {
                        response.content.insert(
                            "application/json".to_owned(),
                            Content::new(Some(RefOr::Ref(Ref::from_schema_name("ErrorBody")))),
                        );
                    }
                }
            }
        }
    }
}

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "meta",
    responses((status = 200, description = "OpenAPI 3 document")))]
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
