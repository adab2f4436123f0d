"""HTTP API of the design documents (seeds 000 and 003): FastAPI app, services, settings."""

from matching.api.app import create_app
from matching.api.settings import ApiConfig, ApiSettings
from matching.api.wiring import ApiServices, build_api_services, create_app_from_settings

__all__ = [
    "ApiConfig",
    "ApiServices",
    "ApiSettings",
    "build_api_services",
    "create_app",
    "create_app_from_settings",
]
