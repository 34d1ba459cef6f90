"""The REST API (`/api/v1/`, docs/api.md): an adapter beside the web pages and the command line.

Built with django-ninja: typed Pydantic schemas give the validation and the OpenAPI schema
(`/api/v1/openapi.json`, Swagger UI served locally at `/api/v1/docs`). Every endpoint asks
`parindex.policy` exactly as the matching page does, then calls the same services (writes)
and selectors (reads); there is no business logic here. Authentication is by bearer token
(`parindex.apitokens`), each endpoint belonging to one family a token may be narrowed to.
Errors have one JSON shape (`errors.ErrorOut`).
"""
