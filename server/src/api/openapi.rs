//! The OpenAPI 3 document of `/api/v1`, generated from the handlers' annotations so that it
//! cannot drift from the routes (a test compares both).

use super::{attachments, calendar, events, import, messages, users};
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
        messages::get,
        messages::act,
        attachments::upload,
        attachments::download,
        calendar::days,
        import::csv,
        users::list,
        events::stream,
        document,
    ),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

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
