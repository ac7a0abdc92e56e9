"""The JSON API for scripts: results and exports, bearer tokens, and its OpenAPI document."""
