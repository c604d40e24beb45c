"""The OpenAPI 3 description of ``/api/v1``, served at ``/api/v1/openapi.json``."""

from __future__ import annotations

from typing import Any

import pyfaceapi

_BOOL = {"type": "boolean"}
DETECT_OPTIONS: dict[str, Any] = {
    "detector": {"type": "string", "enum": ["ssd", "tiny", "tiny_yolov2", "mtcnn"], "default": "ssd"},
    "min_confidence": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1, "default": 0.5,
                       "description": "ssd: keep faces scoring above it"},
    "max_results": {"type": "integer", "minimum": 1, "default": 100, "description": "ssd"},
    "input_size": {"type": "integer", "multipleOf": 32, "minimum": 32, "default": 416,
                   "description": "tiny, tiny_yolov2; at most the server's max_input_size (default 1024)"},
    "score_threshold": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1, "default": 0.5,
                        "description": "tiny, tiny_yolov2"},
    "min_face_size": {"type": "number", "exclusiveMinimum": 0, "default": 20, "description": "mtcnn"},
    "scale_factor": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1, "default": 0.709,
                     "description": "mtcnn"},
    "max_num_scales": {"type": "integer", "minimum": 1, "default": 10, "description": "mtcnn"},
    "score_thresholds": {"type": "string", "default": "0.6,0.7,0.7",
                         "description": "mtcnn: three comma-separated numbers (a JSON array in the options field)"},
    "scale_steps": {"type": "string", "description": "mtcnn: comma-separated pyramid scales"},
    "single": {**_BOOL, "description": "only the best-scoring face (detectSingleFace)"},
    "landmarks": {"type": "string", "enum": ["0", "1", "true", "false", "tiny"],
                  "description": "68-point landmarks; 'tiny' for the tiny net"},
    "expressions": _BOOL,
    "age_gender": _BOOL,
    "descriptors": {**_BOOL, "description": "128-d descriptors (implies landmarks)"},
}

_RECT = {"type": "object", "required": ["x", "y", "width", "height"],
         "properties": {k: {"type": "number"} for k in ("x", "y", "width", "height")}}
_DETECTION = {"type": "object", "required": ["score", "box"], "properties": {
    "score": {"type": "number"}, "box": _RECT, "relativeBox": _RECT,
    "imageWidth": {"type": "number"}, "imageHeight": {"type": "number"}}}
_POINT = {"type": "object", "properties": {"x": {"type": "number"}, "y": {"type": "number"}}}
_LANDMARKS = {"type": "object", "properties": {
    "positions": {"type": "array", "items": _POINT}, "shift": _POINT,
    "imageWidth": {"type": "number"}, "imageHeight": {"type": "number"}}}
_FACE = {"type": "object", "required": ["detection"], "properties": {
    "detection": _DETECTION, "landmarks": _LANDMARKS, "unshiftedLandmarks": _LANDMARKS, "alignedRect": _DETECTION,
    "expressions": {"type": "object", "additionalProperties": {"type": "number"}},
    "age": {"type": "number"}, "gender": {"type": "string", "enum": ["male", "female"]},
    "genderProbability": {"type": "number"},
    "descriptor": {"type": "array", "items": {"type": "number"}, "minItems": 128, "maxItems": 128}}}
_DESCRIPTOR = {"type": "array", "items": {"type": "number"}}
_MATCH_REQUEST = {"type": "object", "properties": {
    "queries": {"type": "array", "items": _DESCRIPTOR}, "query": _DESCRIPTOR,
    "reference": {"type": "array", "items": {"type": "object", "required": ["label", "descriptors"], "properties": {
        "label": {"type": "string"}, "descriptors": {"type": "array", "items": _DESCRIPTOR}}}},
    "matcher": {"type": "object", "description": "FaceMatcher.toJSON() document"},
    "distance_threshold": {"type": "number", "minimum": 0}}}
_ERROR = {"type": "object", "required": ["error"], "properties": {"error": {
    "type": "object", "required": ["code", "message"],
    "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ERROR}}}


def openapi_document() -> dict[str, Any]:
    detect_body = {"required": True, "content": {
        "multipart/form-data": {"schema": {"type": "object", "required": ["image"], "properties": {
            "image": {"type": "string", "format": "binary"},
            "options": {"type": "string", "description": "JSON object with the query options"}}}},
        "image/*": {"schema": {"type": "string", "format": "binary"}},
        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}
    detect_errors = {
        "400": _error("no image, or malformed options JSON"),
        "413": _error("request or image too large"),
        "415": _error("not an image, or an unsupported content type"),
        "422": _error("invalid options or unusable image"),
        "503": _error("too many large images in progress (Retry-After: 1)"),
    }
    query_parameters = [{"name": name, "in": "query", "required": False, "schema": schema}
                        for name, schema in DETECT_OPTIONS.items()]
    return {
        "openapi": "3.1.0",
        "info": {"title": "pyfaceapi", "version": pyfaceapi.__version__,
                 "description": "face-api.js over HTTP: the same results as the browser facade."},
        "paths": {
            "/api/v1/detect": {"post": {
                "summary": "Detect faces and run the requested tasks",
                "parameters": query_parameters,
                "requestBody": detect_body,
                "responses": {
                    "200": {"description": "faces found", "content": {"application/json": {"schema": {
                        "type": "object", "required": ["faces", "image", "timing_ms"], "properties": {
                            "faces": {"type": "array", "items": _FACE},
                            "image": {"type": "object", "properties": {"width": {"type": "integer"},
                                                                         "height": {"type": "integer"}}},
                            "timing_ms": {"type": "object", "additionalProperties": {"type": "number"}}}}}}},
                    **detect_errors,
                }}},
            "/api/v1/draw": {"post": {
                "summary": "Detect, then answer the image as PNG with the results drawn (face-api.js's draw)",
                "parameters": [*query_parameters, {"name": "draw", "in": "query", "required": False, "schema": {
                    "type": "string", "description": "comma-separated: detections, landmarks, expressions"}}],
                "requestBody": detect_body,
                "responses": {
                    "200": {"description": "annotated image", "content": {"image/png": {"schema": {
                        "type": "string", "format": "binary"}}}},
                    **detect_errors,
                }}},
            "/api/v1/match": {"post": {
                "summary": "Match query descriptors against labelled references (FaceMatcher)",
                "requestBody": {"required": True, "content": {"application/json": {"schema": _MATCH_REQUEST}}},
                "responses": {
                    "200": {"description": "best match per query", "content": {"application/json": {"schema": {
                        "type": "object", "required": ["matches"], "properties": {
                            "matches": {"type": "array", "items": {"type": "object", "properties": {
                                "label": {"type": "string"}, "distance": {"type": "number"},
                                "text": {"type": "string", "description": "face-api.js's toString()"}}}},
                            "distance_threshold": {"type": "number"}}}}}},
                    "400": _error("body is not a JSON object"),
                    "422": _error("invalid descriptors, reference or threshold"),
                }}},
            "/api/v1/models": {"get": {"summary": "Loaded models with sha256 and precision", "responses": {
                "200": {"description": "models", "content": {"application/json": {"schema": {"type": "object"}}}}}}},
            "/api/v1/healthz": {"get": {"summary": "Liveness", "responses": {
                "200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}}}}},
            "/api/v1/openapi.json": {"get": {"summary": "This document", "responses": {
                "200": {"description": "OpenAPI 3 document",
                        "content": {"application/json": {"schema": {"type": "object"}}}}}}},
        },
    }
