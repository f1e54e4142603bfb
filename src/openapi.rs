//! The emulator's own OpenAPI document, served at `GET /_emulator/openapi.json`.
//!
//! It cannot drift from the code: the route table is an `OpenApiRouter` whose routes come from
//! the handlers' `#[utoipa::path]` attributes, and the bodies are the DTOs' own `ToSchema`
//! derives. What every route shares because of the layers around it (the error body of each
//! status, a 500 from the panic guard, a 413 from the body limit, the guard's 403, the
//! Management API's key check) is added here once, by [`finish`], instead of on each handler.

use std::collections::BTreeMap;

use utoipa::openapi::path::{Operation, Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{
    ContentBuilder, InfoBuilder, OpenApi, Ref, RefOr, Required, SecurityRequirement,
};
use utoipa::{IntoResponses, PartialSchema};

use crate::error::ErrorCode;

/// Name of the bearer scheme the Management API takes (an app's API key or the admin key).
const API_KEY: &str = "api_key";
/// Name of the bearer scheme of the Auth API's current-user routes (a user's auth token).
const AUTH_TOKEN: &str = "auth_token";
/// Name of the bearer scheme of console operations (the admin key only).
pub(crate) const ADMIN_KEY: &str = "admin_key";

/// The statuses the emulator answers errors with, each with its description.
const ERROR_STATUSES: [(u16, &str); 8] = [
    (400, "Bad Request"),
    (401, "Unauthorized"),
    (403, "Forbidden"),
    (404, "Not Found"),
    (405, "Method Not Allowed"),
    (409, "Conflict"),
    (413, "Payload Too Large"),
    (500, "Internal Server Error"),
];

/// The response of one error status: Passage's `{"code","error"}` body, its code one of that
/// status's list (schema `Error{status}`).
fn error_response(status: u16) -> (String, RefOr<Response>) {
    let description = ERROR_STATUSES
        .iter()
        .find(|(known, _)| *known == status)
        .map_or("Error", |(_, description)| description);
    let response = ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name(format!("Error{status}"))))
                .build(),
        )
        .build();
    (status.to_string(), RefOr::T(response))
}

macro_rules! error_responses {
    ($($(#[$doc:meta])* $name:ident => $status:literal),* $(,)?) => {$(
        $(#[$doc])*
        pub(crate) struct $name;
        impl IntoResponses for $name {
            fn responses() -> BTreeMap<String, RefOr<Response>> {
                BTreeMap::from([error_response($status)])
            }
        }
    )*};
}

error_responses! {
    /// 400 `invalid_request`, for a handler's own checks (bodies and queries get it anyway).
    BadRequest => 400,
    /// 401: a failed ceremony, a bad token, an attempt too many.
    Unauthorized => 401,
    /// 403: `operation_not_allowed`, `user_not_active`, `cannot_create_transaction`.
    Forbidden => 403,
    /// 404: the resource of the path (or of the body) does not exist.
    NotFound => 404,
    /// 409 `user_has_no_passkeys`.
    Conflict => 409,
}

/// The schema `Error{status}`: every code whose status is `status`, read from `ErrorCode`'s
/// own schema so that a new code shows up here by itself.
fn error_schema(status: u16) -> Schema {
    let all = match ErrorCode::schema() {
        RefOr::T(Schema::Object(object)) => object.enum_values.unwrap_or_default(),
        _ => Vec::new(),
    };
    let codes: Vec<String> = all
        .into_iter()
        .filter_map(|value| {
            let code: ErrorCode = serde_json::from_value(value.clone()).ok()?;
            (code.status().as_u16() == status).then(|| value.as_str().map(str::to_owned))?
        })
        .collect();
    Schema::Object(
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .property(
                "code",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .enum_values(Some(codes)),
            )
            .property("error", ObjectBuilder::new().schema_type(Type::String))
            .required("code")
            .required("error")
            .build(),
    )
}

/// Completes the document the router collected: info, security schemes, error schemas, the
/// path parameters the attributes leave implicit, and the responses every route of a face has.
pub(crate) fn finish(api: OpenApi) -> serde_json::Value {
    let mut document = serde_json::to_value(complete(api)).unwrap_or_default();
    open_flattened_schemas(&mut document);
    document
}

/// A struct flattened into another (`#[serde(flatten)]`) is an `allOf` member; when it also
/// refuses unknown members (`additionalProperties: false`) no object could match the `allOf`.
/// The members of an `allOf` are opened: the outer type is what closes the object.
fn open_flattened_schemas(document: &mut serde_json::Value) {
    let mut referenced = Vec::new();
    open_all_of_members(document, &mut referenced);
    let Some(schemas) = document.pointer_mut("/components/schemas") else {
        return;
    };
    for name in referenced {
        if let Some(schema) = schemas
            .get_mut(&name)
            .and_then(|schema| schema.as_object_mut())
        {
            schema.remove("additionalProperties");
        }
    }
}

/// Opens the inline members of every `allOf` under `value` and collects the referenced ones.
fn open_all_of_members(value: &mut serde_json::Value, referenced: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(object) => {
            if let Some(serde_json::Value::Array(members)) = object.get_mut("allOf") {
                for member in members
                    .iter_mut()
                    .filter_map(|member| member.as_object_mut())
                {
                    match member.get("$ref").and_then(|reference| reference.as_str()) {
                        Some(reference) => referenced.extend(
                            reference
                                .strip_prefix("#/components/schemas/")
                                .map(str::to_owned),
                        ),
                        None => {
                            member.remove("additionalProperties");
                        }
                    }
                }
            }
            for child in object.values_mut() {
                open_all_of_members(child, referenced);
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                open_all_of_members(item, referenced);
            }
        }
        _ => {}
    }
}

fn complete(mut api: OpenApi) -> OpenApi {
    api.info = InfoBuilder::new()
        .title("passage-emulator")
        .version(env!("CARGO_PKG_VERSION"))
        .description(Some(
            "A local emulator of the Passage by 1Password API: the Management API under \
             /api/v1, the Auth API under /auth/v1 and the emulator's own API under /_emulator.",
        ))
        .build();
    let components = api.components.get_or_insert_with(Default::default);
    components
        .schemas
        .insert("ErrorCode".to_owned(), ErrorCode::schema());
    for (status, _) in ERROR_STATUSES {
        components
            .schemas
            .insert(format!("Error{status}"), RefOr::T(error_schema(status)));
    }
    for (name, description) in [
        (API_KEY, "An app's API key (or the admin key)."),
        (
            AUTH_TOKEN,
            "A user's auth token (a JWT the app's keys signed).",
        ),
        (ADMIN_KEY, "The emulator's admin key (--admin-key)."),
    ] {
        let scheme = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .description(Some(description))
            .build();
        components
            .security_schemes
            .insert(name.to_owned(), RefOr::T(SecurityScheme::Http(scheme)));
    }
    for (path, item) in api.paths.paths.iter_mut() {
        for (method, operation) in operations(item) {
            complete_operation(path, method, operation);
        }
    }
    api
}

/// Every operation of a path item with its method.
fn operations(
    item: &mut utoipa::openapi::PathItem,
) -> impl Iterator<Item = (&'static str, &mut Operation)> {
    [
        ("get", item.get.as_mut()),
        ("post", item.post.as_mut()),
        ("put", item.put.as_mut()),
        ("patch", item.patch.as_mut()),
        ("delete", item.delete.as_mut()),
    ]
    .into_iter()
    .filter_map(|(method, operation)| operation.map(|operation| (method, operation)))
}

fn complete_operation(path: &str, method: &str, operation: &mut Operation) {
    add_path_parameters(path, operation);
    let has_body = operation.request_body.is_some();
    let has_query = operation.parameters.iter().flatten().any(|parameter| {
        matches!(parameter, RefOr::T(parameter) if parameter.parameter_in == ParameterIn::Query)
    });
    let mut statuses = vec![500];
    if has_body || has_query {
        statuses.push(400);
    }
    if has_body {
        statuses.push(413);
    }
    let state_changing = method != "get";
    if state_changing && (path.starts_with("/api/v1") || path.starts_with("/_emulator")) {
        // http::guard: a browser Origin that is not the emulator's own.
        statuses.push(403);
    }
    if path.starts_with("/api/v1/apps/") {
        // ManagementAuth: the key is checked, then the app looked up.
        statuses.extend([401, 404]);
        if operation.security.is_none() {
            operation.security = Some(vec![SecurityRequirement::new(API_KEY, [""; 0])]);
        }
    }
    if path.starts_with("/auth/v1/apps/{app_id}") {
        statuses.push(404);
    }
    for status in statuses {
        let (key, response) = error_response(status);
        operation.responses.responses.entry(key).or_insert(response);
    }
}

/// Declares each `{name}` of the path a required string path parameter, unless the handler's
/// attribute declared it with a better type or description.
fn add_path_parameters(path: &str, operation: &mut Operation) {
    let names = path
        .split('/')
        .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'));
    for name in names {
        let declared =
            operation.parameters.iter().flatten().any(
                |parameter| matches!(parameter, RefOr::T(parameter) if parameter.name == name),
            );
        if !declared {
            let parameter: Parameter = ParameterBuilder::new()
                .name(name)
                .parameter_in(ParameterIn::Path)
                .required(Required::True)
                .schema(Some(
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .min_length(Some(1)),
                ))
                .build();
            operation
                .parameters
                .get_or_insert_with(Vec::new)
                .push(RefOr::T(parameter));
        }
    }
}

/// `GET /_emulator/openapi.json`: this document. It is assembled when asked for (a few
/// milliseconds), so that start-up does not pay for it.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "emulator",
    responses((
        status = 200,
        description = "The OpenAPI document of all three faces.",
        content_type = "application/json",
    )),
)]
pub(crate) async fn document() -> axum::Json<serde_json::Value> {
    axum::Json(finish(crate::router::document()))
}

#[cfg(test)]
mod tests {
    /// Two types with one schema name would share one component and the document would
    /// describe one of them wrongly (utoipa keeps the last): each name is unique, or renamed
    /// with `#[schema(as = ...)]`.
    #[test]
    fn schema_names_are_unique() {
        let mut seen = std::collections::BTreeMap::<String, String>::new();
        let mut files = vec![std::path::PathBuf::from("src")];
        while let Some(path) = files.pop() {
            if path.is_dir() {
                files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
                continue;
            }
            if path.extension().is_none_or(|extension| extension != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let lines: Vec<&str> = text.lines().map(str::trim).collect();
            for (index, line) in lines.iter().enumerate() {
                if !(line.starts_with("#[derive(") && line.contains("ToSchema")) {
                    continue;
                }
                let mut alias = None;
                let mut name = None;
                for next in &lines[index + 1..] {
                    if let Some(rest) = next.strip_prefix("#[schema(as = ") {
                        alias = rest.split(')').next().map(str::to_owned);
                    }
                    let item = next
                        .trim_start_matches("pub(crate) ")
                        .trim_start_matches("pub ");
                    if let Some(rest) = item
                        .strip_prefix("struct ")
                        .or_else(|| item.strip_prefix("enum "))
                    {
                        name = rest
                            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                            .next()
                            .map(str::to_owned);
                        break;
                    }
                }
                let name = alias.or(name).expect("a type after its derive");
                let place = path.display().to_string();
                if let Some(first) = seen.insert(name.clone(), place.clone()) {
                    panic!("schema {name} is defined in {first} and in {place}");
                }
            }
        }
        assert!(seen.len() > 100, "found {} schemas", seen.len());
    }
}
