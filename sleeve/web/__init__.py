"""The web page: one HTML shell, a small vanilla JS module and a stylesheet, served by the API."""
