"""Thin routers: parse the request, call one use case, shape the response."""
