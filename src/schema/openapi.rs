//! The OpenAPI 3.1 description of the webhooks: one `webhooks` entry per catalogue event (its
//! headers, its payload schema, the answers the reference asks of a receiver), for API tooling.
//!
//! Built from the same facts as everything else: the catalogue (names, groups, "Triggered when"),
//! `event_schema` for the bodies, and the header constants of `contract`.

use serde_json::{Map, Value, json};

use super::event_schema;
use crate::contract::{
    CONTENT_TYPE_JSON, HEADER_CONTENT_TYPE, HEADER_EVENT, HEADER_SIGNATURE, HEADER_USER_AGENT,
    SCHEME_PREFIX, SIGNATURE_HEX_DIGITS, USER_AGENT,
};
use crate::events::{CATALOGUE, EventSpec};

/// The file name `schema --openapi --out DIR` writes.
pub const FILE: &str = "titancard-webhooks.openapi.json";

/// The name of the security scheme that describes the signature header.
const SECURITY_SCHEME: &str = "webhookSignature";

/// The event groups in the reference's order, with what each tag says.
const GROUPS: [(&str, &str); 4] = [
    ("Card", "Events about your own business cards"),
    ("Connection", "Events about the people you connect with"),
    ("Reminder", "Follow-up reminders on connections"),
    ("Other", "Notes and contact-data enrichment on connections"),
];

/// The whole OpenAPI 3.1 document.
pub fn document() -> Value {
    let mut webhooks = Map::new();
    let mut schemas = Map::new();
    for spec in &CATALOGUE {
        webhooks.insert(spec.name.to_string(), json!({ "post": operation(spec) }));
        let mut schema = event_schema(spec);
        if let Some(object) = schema.as_object_mut() {
            // The document's dialect (OpenAPI 3.1's, built on draft 2020-12) applies.
            object.shift_remove("$schema");
        }
        schemas.insert(spec.name.to_string(), schema);
    }
    let license = match env!("CARGO_PKG_LICENSE") {
        "" => Value::Null,
        spdx => json!({ "name": spdx, "identifier": spdx }),
    };
    let mut info = json!({
        "title": "TitanCard webhooks",
        "version": env!("CARGO_PKG_VERSION"),
        "summary": "The 14 events TitanCard POSTs to your endpoint, signed with HMAC-SHA256",
        "description": INFO_DESCRIPTION,
        "contact": { "name": "TitanCard support", "email": "support@titancard.com" },
    });
    if !license.is_null() {
        info["license"] = license;
    }
    json!({
        "openapi": "3.1.0",
        "info": info,
        "servers": [{
            "url": "{webhook_url}",
            "description": "Your receiver: TitanCard POSTs every event to the webhook URL you \
                            configure (Settings > Webhooks)",
            "variables": {
                "webhook_url": {
                    "default": "http://localhost:3000/webhook",
                    "description": "The URL of your webhook endpoint",
                },
            },
        }],
        "tags": GROUPS
            .iter()
            .map(|(name, description)| json!({ "name": name, "description": description }))
            .collect::<Vec<_>>(),
        "webhooks": webhooks,
        "components": {
            "schemas": schemas,
            "parameters": {
                "ContentType": header(
                    HEADER_CONTENT_TYPE,
                    "Always application/json (also stated by the request body's media type)",
                    json!({ "type": "string", "const": CONTENT_TYPE_JSON }),
                    CONTENT_TYPE_JSON,
                ),
                "Signature": header(
                    HEADER_SIGNATURE,
                    "HMAC-SHA256 of the raw request body, keyed with your webhook secret's UTF-8 \
                     bytes, as sha256= and 64 lower-case hex digits. Verify it over the bytes as \
                     received, before parsing, with a constant-time comparison",
                    json!({ "type": "string", "pattern": signature_pattern() }),
                    &format!("{SCHEME_PREFIX}{}", "0123456789abcdef".repeat(4)),
                ),
                "UserAgent": header(
                    HEADER_USER_AGENT,
                    "TitanCard's sender",
                    json!({ "type": "string", "const": USER_AGENT }),
                    USER_AGENT,
                ),
            },
            "securitySchemes": {
                SECURITY_SCHEME: {
                    "type": "apiKey",
                    "in": "header",
                    "name": HEADER_SIGNATURE,
                    "description": "Not a static key: each delivery carries sha256=<hex>, the \
                                    HMAC-SHA256 of its raw body keyed with the webhook secret. \
                                    Recompute it and compare in constant time; answer 401 when \
                                    it does not match",
                },
            },
        },
    })
}

const INFO_DESCRIPTION: &str = "TitanCard delivers each event as an HTTP POST of a JSON body \
`{\"event\", \"timestamp\" (Unix ms), \"data\"}` to your webhook URL, with the headers \
Content-Type, X-Webhook-Signature, X-Webhook-Event and User-Agent.\n\n\
Your endpoint should answer 2xx within 30 seconds, 401 when the signature does not verify and 400 \
for a malformed payload, and handle duplicates idempotently (key them on the event timestamp). \
A delivery that gets no 2xx is retried up to 3 times, after 1, 5 and 15 minutes; after 5 \
consecutive failures the webhook is marked failed and gets no more events until reactivated.\n\n\
Unknown keys in a payload are allowed: receivers should tolerate fields added later.";

/// `^sha256=[0-9a-f]{64}$`.
fn signature_pattern() -> String {
    format!("^{SCHEME_PREFIX}[0-9a-f]{{{SIGNATURE_HEX_DIGITS}}}$")
}

/// A required header parameter.
fn header(name: &str, description: &str, schema: Value, example: &str) -> Value {
    json!({
        "name": name,
        "in": "header",
        "required": true,
        "description": description,
        "schema": schema,
        "example": example,
    })
}

/// `card.status_changed` → `cardStatusChanged`.
fn operation_id(name: &str) -> String {
    let mut id = String::new();
    for (index, word) in name.split(['.', '_']).enumerate() {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            if index == 0 {
                id.push(first);
            } else {
                id.extend(first.to_uppercase());
            }
            id.push_str(chars.as_str());
        }
    }
    id
}

/// The `post` operation of one event's webhook.
fn operation(spec: &EventSpec) -> Value {
    // The sample is embedded and parsed by the catalogue's own tests.
    let example: Value = serde_json::from_str(spec.sample)
        .unwrap_or_else(|err| panic!("embedded sample of {}: {err}", spec.name));
    let schema_ref = format!("#/components/schemas/{}", spec.name);
    json!({
        "operationId": operation_id(spec.name),
        // API tools name an operation by its summary (Redoc's sidebar, Swagger UI's list): the
        // event's name, as the body and X-Webhook-Event carry it.
        "summary": spec.name,
        "description": format!(
            "Triggered when {when}.\n\nThe body is the envelope with `event` set to `{name}` and \
             the event's `data`; `X-Webhook-Event` carries the same name.",
            name = spec.name,
            when = spec.fires_when,
        ),
        "tags": [spec.group],
        "security": [{ SECURITY_SCHEME: [] }],
        "parameters": [
            { "$ref": "#/components/parameters/ContentType" },
            { "$ref": "#/components/parameters/Signature" },
            header(
                HEADER_EVENT,
                "The event name; equals the body's `event`",
                json!({ "type": "string", "const": spec.name }),
                spec.name,
            ),
            { "$ref": "#/components/parameters/UserAgent" },
        ],
        "requestBody": {
            "required": true,
            "description": format!("The {} payload, signed byte for byte", spec.name),
            "content": {
                CONTENT_TYPE_JSON: {
                    "schema": { "$ref": schema_ref },
                    "example": example,
                },
            },
        },
        "responses": {
            "2XX": {
                "description": "Received. Answer within 30 seconds; any other answer, or none, \
                                is retried after 1, 5 and 15 minutes",
            },
            "400": { "description": "The payload is malformed (not JSON, or not this event's shape)" },
            "401": { "description": "The X-Webhook-Signature does not verify with your secret" },
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_ids_are_camel_case() {
        assert_eq!(
            operation_id("connection.status_changed"),
            "connectionStatusChanged"
        );
        assert_eq!(operation_id("card.created"), "cardCreated");
    }

    #[test]
    fn one_webhook_per_event_and_every_ref_resolves() {
        let document = document();
        assert_eq!(document["webhooks"].as_object().unwrap().len(), 14);
        let text = document.to_string();
        for piece in text.split("\"$ref\":\"#/").skip(1) {
            let pointer = format!("/{}", &piece[..piece.find('"').unwrap()]);
            assert!(document.pointer(&pointer).is_some(), "{pointer}");
        }
    }
}
