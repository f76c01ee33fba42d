"""Request and response models, one module per resource (the API's bodies and answers).

Below ``service`` (which builds the responses) and ``api`` (which validates bodies with them);
imports only ``sleeve.core`` and pydantic.
"""
