"""The OpenAPI 3.1 document of the JSON API; a test keeps it and the routes in step."""
from survey.models.exports import EXPORT_FORMATS

WAVE_ID = {"name": "wave_id", "in": "path", "required": True, "schema": {"type": "integer"}}
JOB_ID = {"name": "job_id", "in": "path", "required": True, "schema": {"type": "integer"}}
INCLUSION = [
    {"name": "include_flagged", "in": "query", "schema": {"type": "boolean", "default": False},
     "description": "Count QR responses flagged by the integrity checks."},
    {"name": "include_unverified", "in": "query", "schema": {"type": "boolean"},
     "description": "Count paper forms keyed only once (default: the wave's own rule)."},
]
ERROR = {"$ref": "#/components/responses/Error"}
FAILS = {"400": ERROR, "401": ERROR, "403": ERROR, "404": ERROR}
PROBLEM = {"type": "object", "required": ["code", "field", "line", "message"], "properties": {
    "code": {"type": "string"}, "field": {"type": "string", "description": "a parameter or field, or ''"},
    "line": {"type": ["integer", "null"]}, "message": {"type": "string"}}}
ERROR_SHAPE = {"type": "object", "required": ["error"], "properties": {"error": {
    "type": "object", "required": ["code", "message", "problems"], "properties": {
        "code": {"type": "string", "examples": ["auth.required", "request.bad_format", "http.404"]},
        "message": {"type": "string"},
        "problems": {"type": "array", "items": PROBLEM}}}}}


def _ok(description, schema=None, media="application/json"):
    content = {media: {"schema": schema or {"type": "object"}}}
    return {"description": description, "content": content}


def document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Lai Châu citizen-satisfaction API", "version": "1",
                 "description": "Weighted results and labelled response-level exports of survey waves. "
                                "Authenticate with a token from /api-tokens/: "
                                "Authorization: Bearer <token>."},
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": {
            "/api/openapi.json": {"get": {
                "summary": "This document", "security": [],
                "responses": {"200": _ok("The OpenAPI document")}}},
            "/api/v1/waves": {"get": {
                "summary": "List survey waves",
                "responses": {"200": _ok("Waves", {"type": "object", "properties": {
                    "waves": {"type": "array", "items": {"$ref": "#/components/schemas/Wave"}}}}),
                    "401": ERROR, "403": ERROR}}},
            "/api/v1/waves/{wave_id}/results": {"get": {
                "summary": "Indices with SE, 95% CI, n, n_eff, deff, flags and target status",
                "parameters": [WAVE_ID, {"name": "by", "in": "query", "schema": {
                    "type": "string", "enum": ["district", "commune", "service_point", "service_kind"]}},
                    *INCLUSION],
                "responses": {"200": _ok("Results rows, one per domain and indicator"), **FAILS}}},
            "/api/v1/waves/{wave_id}/codebook": {"get": {
                "summary": "Variables of the response-level export with Vietnamese and English labels",
                "parameters": [WAVE_ID],
                "responses": {"200": _ok("Codebook"), "409": ERROR, **FAILS}}},
            "/api/v1/waves/{wave_id}/responses.csv": {"get": {
                "summary": "Response-level data as CSV (UTF-8), streamed",
                "parameters": [WAVE_ID, *INCLUSION, {
                    "name": "bom", "in": "query", "schema": {"type": "string", "enum": ["0", "1"]},
                    "description": "0: no byte-order mark (default 1, for Excel)."}],
                "responses": {"200": _ok("CSV file", {"type": "string"}, "text/csv"), **FAILS}}},
            "/api/v1/waves/{wave_id}/exports": {"post": {
                "summary": "Start writing an export file in the background",
                "parameters": [WAVE_ID],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["format"], "properties": {
                        "format": {"type": "string", "enum": list(EXPORT_FORMATS)},
                        "include_flagged": {"type": "boolean"},
                        "include_unverified": {"type": ["boolean", "null"]}}}}}},
                "responses": {"202": _ok("The export job", {"$ref": "#/components/schemas/ExportJob"}),
                              **FAILS}}},
            "/api/v1/exports/{job_id}": {"get": {
                "summary": "Progress of an export job", "parameters": [JOB_ID],
                "responses": {"200": _ok("The export job", {"$ref": "#/components/schemas/ExportJob"}),
                              **FAILS}}},
            "/api/v1/exports/{job_id}/file": {"get": {
                "summary": "Download the finished file", "parameters": [JOB_ID],
                "responses": {"200": _ok("The file", {"type": "string", "contentEncoding": "binary"},
                                         "application/octet-stream"), "409": ERROR, **FAILS}}},
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "responses": {"Error": _ok(
                "An error: a stable code, its message in the caller's language (Accept-Language or "
                "?lang=vi|en), and the single problems behind it. Some errors add details, e.g. "
                "`allowed` values. The paper-entry API (/entry/api) answers errors in the same shape.",
                ERROR_SHAPE)},
            "schemas": {
                "Wave": {"type": "object", "properties": {
                    "id": {"type": "integer"}, "code": {"type": "string"}, "name": {"type": "string"},
                    "questionnaire_id": {"type": "string"}, "questionnaire_version": {"type": "integer"},
                    "mode": {"type": "string"}, "period_start": {"type": "string", "format": "date"},
                    "period_end": {"type": "string", "format": "date"},
                    "count_unverified_paper": {"type": "boolean"}}},
                "ExportJob": {"type": "object", "properties": {
                    "id": {"type": "integer"}, "wave_id": {"type": "integer"},
                    "format": {"type": "string", "enum": list(EXPORT_FORMATS)},
                    "status": {"type": "string", "enum": ["queued", "running", "done", "failed"]},
                    "rows_done": {"type": "integer"}, "rows_total": {"type": ["integer", "null"]},
                    "error": {"type": ["string", "null"]}, "status_url": {"type": "string"},
                    "file_url": {"type": "string"}}},
            },
        },
    }
