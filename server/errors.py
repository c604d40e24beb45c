"""HTTP errors as JSON ``{"error": {"code", "message"}}``; bad input never becomes a 500."""

from __future__ import annotations

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

from pyfaceapi.errors import (
    DescriptorError,
    FaceApiError,
    ImageDecodeError,
    ImageTooLargeError,
    ModelError,
    OptionsError,
)


class ApiError(Exception):
    """An error answered as JSON with ``status`` and a stable machine-readable ``code``."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def from_faceapi_error(exc: FaceApiError) -> ApiError:
    """The HTTP answer to a library error."""
    if isinstance(exc, ImageTooLargeError):
        return ApiError(413, "image_too_large", str(exc))
    if isinstance(exc, ImageDecodeError):
        return ApiError(415, "unsupported_image", str(exc))
    if isinstance(exc, (OptionsError, DescriptorError)):
        return ApiError(422, "invalid_options", str(exc))
    if isinstance(exc, ModelError):
        return ApiError(500, "model_error", str(exc))
    return ApiError(422, "invalid_input", str(exc))


def register(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def api_error(exc: ApiError):
        response = jsonify(error={"code": exc.code, "message": exc.message})
        if exc.status == 503:
            response.headers["Retry-After"] = "1"
        return response, exc.status

    @app.errorhandler(FaceApiError)
    def faceapi_error(exc: FaceApiError):
        return api_error(from_faceapi_error(exc))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        code = {413: "request_too_large", 404: "not_found", 405: "method_not_allowed"}.get(
            exc.code or 500, (exc.name or "error").lower().replace(" ", "_"))
        return jsonify(error={"code": code, "message": exc.description}), exc.code
