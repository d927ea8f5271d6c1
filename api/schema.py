"""Additions to the generated OpenAPI schema: the answers every endpoint may give besides its 200."""

ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}


def _error(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def document_errors(result: dict, generator, request, public) -> dict:
    """A drf-spectacular postprocessing hook: every operation may answer 429 (past the rate limit, with
    Retry-After) and 304 (to If-None-Match or If-Modified-Since); a detail 404 (hidden or missing)."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            responses["304"] = {"description": "Not modified since the ETag or date the client sent."}
            responses["429"] = {
                **_error("Too many requests from this address; try again after Retry-After seconds."),
                "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}},
            }
            if "{" in path:
                responses["404"] = _error("No such public record (hidden records answer the same).")
    return result
