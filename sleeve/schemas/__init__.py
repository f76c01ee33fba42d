"""Request and response schemas, one module per resource (as in FastAPI's full-stack template).

The API takes its bodies and ``response_model`` types from here, and ``sleeve.service`` builds
the responses it returns from them. A schema module imports only ``sleeve.core`` and pydantic,
so every rule a schema states (a bound, a name, a format) is the one the core defines.
"""
