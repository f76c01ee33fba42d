"""OAuth2/OIDC providers from configuration (``SLEEVE_OAUTH_PROVIDERS``), through authlib.

Each provider is plain OAuth2 (authorize → code → token → userinfo) unless it gives a
``server_metadata_url``, in which case authlib reads the OIDC discovery document. The user's
identity is read from the userinfo JSON with dotted keys (Kakao: ``id`` and
``kakao_account.email``). See docs/oauth.md.
"""

from __future__ import annotations

import json
from typing import Any

# authlib's HTTP client is httpx2 (a dependency of the server extra); without it authlib falls
# back to httpx and warns on every import.
from authlib.integrations.starlette_client import OAuth, StarletteOAuth2App
from pydantic import BaseModel, ConfigDict, ValidationError

from sleeve.config import Settings


class ProviderConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    client_id: str
    client_secret: str = ""
    authorize_url: str | None = None
    token_url: str | None = None
    userinfo_url: str | None = None
    server_metadata_url: str | None = None
    scope: str = ""
    subject_key: str = "sub"
    email_key: str = "email"
    name_key: str = "name"
    # Kakao and many others take the client secret in the POST body.
    token_auth_method: str = "client_secret_post"


class OAuthConfigError(ValueError):
    pass


def pick(data: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data


class Providers:
    def __init__(self, configs: dict[str, ProviderConfig]) -> None:
        self.configs = configs
        self.oauth = OAuth()
        for name, config in configs.items():
            self.oauth.register(
                name,
                client_id=config.client_id,
                client_secret=config.client_secret or None,
                authorize_url=config.authorize_url,
                access_token_url=config.token_url,
                userinfo_endpoint=config.userinfo_url,
                server_metadata_url=config.server_metadata_url,
                client_kwargs={"scope": config.scope or None,
                               "token_endpoint_auth_method": config.token_auth_method},
            )

    def names(self) -> list[str]:
        return sorted(self.configs)

    def client(self, name: str) -> StarletteOAuth2App | None:
        if name not in self.configs:
            return None
        client = self.oauth.create_client(name)
        assert isinstance(client, StarletteOAuth2App)
        return client


def load_providers(settings: Settings) -> Providers:
    raw = settings.oauth_providers.get_secret_value() or "{}"
    try:
        data = json.loads(raw)
        if not isinstance(data, dict):
            raise OAuthConfigError("SLEEVE_OAUTH_PROVIDERS must be a JSON object")
        configs = {str(k): ProviderConfig.model_validate(v) for k, v in data.items()}
    except (ValueError, ValidationError) as exc:
        # The message names fields, never the secret values.
        raise OAuthConfigError(f"SLEEVE_OAUTH_PROVIDERS is invalid: {type(exc).__name__}") from exc
    for name, config in configs.items():
        if not config.server_metadata_url and not (config.authorize_url and config.token_url
                                                   and config.userinfo_url):
            raise OAuthConfigError(f"oauth provider {name}: give server_metadata_url, or "
                                   "authorize_url, token_url and userinfo_url")
    return Providers(configs)
