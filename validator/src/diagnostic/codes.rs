//! What each diagnostic code means, for formats that describe their rules
//! (SARIF `rules`). The text is about the code, never about a payload.

/// A short description and help text for `code`.
pub fn describe(code: &str) -> (&'static str, &'static str) {
    match code {
        "parse" => (
            "Input or body is not valid JSON",
            "Fix the JSON syntax at the reported position; a body the contract declares as JSON must parse.",
        ),
        "unrouted" => (
            "Exchange matches no operation",
            "Check the method and path against `accord list`, or name the operation with --operation or the envelope's `operation` field.",
        ),
        "catalog" => (
            "The contract was read with a warning",
            "A file of the schema folder was left out, or read more leniently than OpenAPI allows; fix or remove it.",
        ),
        "server" => (
            "Request sent to a host no server lists",
            "Declare the host the captures were recorded against with --server URL (a test host such as http://localhost:8080), or add it to the contract's `servers`.",
        ),
        "discriminator" => (
            "Discriminator value names no schema",
            "Send one of the values the discriminator maps (its `mapping` keys, or the names of the schemas it chooses from).",
        ),
        "upstream" => (
            "The upstream could not be reached (accord proxy)",
            "Check that the upstream is up and that its TLS certificate is trusted (--upstream-ca FILE); the client was answered 502.",
        ),
        "unknown-operation" => ("Named operation is not in the catalog", "Use an id shown by `accord list`."),
        "content-type" => {
            ("Content-Type differs from the contract", "Send one of the media types the operation declares.")
        }
        "status" => {
            ("Response status is not documented", "Document the status in the OpenAPI catalog, or fix the server.")
        }
        "security" => (
            "Security requirement not met",
            "Send the credentials the operation's security scheme requires (e.g. `Authorization: Bearer <token>`).",
        ),
        "encoding" => (
            "Body cannot be decoded",
            "A base64 body must be valid base64; a text or JSON body must decode in its declared charset (UTF-8 by default).",
        ),
        "capture" => (
            "Capture entry is malformed",
            "Each HAR entry needs a request and a response; each NDJSON line must be a capture envelope.",
        ),
        "io" => ("Input cannot be read", "Check the path and its permissions."),
        "unchecked" => (
            "Part of the exchange was not checked",
            "The contract says nothing to check it against; document it in the catalog.",
        ),
        "required" => ("Required value missing", "Add the missing field, parameter, header, cookie or body."),
        "body" => (
            "Body where HTTP allows none",
            "A 204 or 304 response, or a response to HEAD, carries no content (RFC 9110).",
        ),
        "style" => (
            "Parameter not serialized as its style says",
            "Write the parameter as its OpenAPI `style` and `explode` prescribe (label `.a`, matrix `;name=a`, deepObject `name[key]=v`).",
        ),
        "repeated" => (
            "Parameter sent more than once",
            "Send a single-valued parameter once; an array parameter as its style lists it.",
        ),
        "allowEmptyValue" => (
            "Parameter sent with an empty value",
            "Send a value, or mark the parameter `allowEmptyValue: true` in the contract.",
        ),
        "dependentRequired" => {
            ("Field requires another field", "When the named field is present, the other must be too.")
        }
        "additionalProperties" => {
            ("Unknown field", "Remove the field or fix its spelling; the contract does not allow unknown fields here.")
        }
        "type" => ("Wrong JSON type", "Send the type the contract declares."),
        "enum" => ("Value not among the allowed values", "Use one of the listed values."),
        "const" => (
            "Value differs from the required constant",
            "Send the exact value the contract (or the cross-field rule) requires.",
        ),
        "maxLength" | "minLength" => {
            ("String length out of bounds", "Keep the string within the contract's length limits.")
        }
        "pattern" => ("String does not match the pattern", "Format the value as the field's description says."),
        "format" => (
            "Value is not in the declared format",
            "Send a valid value of the declared format (date-time, date, uuid, uri, ...).",
        ),
        "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" => {
            ("Number out of range", "Keep the number within the contract's bounds.")
        }
        "anyOf" | "oneOf" => {
            ("Value matches none of the allowed forms", "Send a value of one of the forms listed in the message.")
        }
        "not" => ("Value breaks a rule", "Follow the rule quoted in the message."),
        "x-accord-maxSerializedLength" => {
            ("Serialized value too long", "Shorten the value: its compact JSON serialization must fit the limit.")
        }
        "x-accord-knownValues" => (
            "Value not among the documented values of an open list",
            "Probably a typo if a suggestion is shown; otherwise the provider may have added a value.",
        ),
        _ => ("Contract violation", "See the message for what the contract requires."),
    }
}
