"""The exceptions pyfaceapi raises.

Everything pyfaceapi raises on purpose derives from :class:`FaceApiError`, so one ``except FaceApiError``
catches bad input, a missing model and a wrong option alike, while bugs (``TypeError`` from a typo in
*our* code, say) still surface as themselves.
"""

from __future__ import annotations


class FaceApiError(Exception):
    """Base class of every error pyfaceapi raises on purpose."""


class InputError(FaceApiError, ValueError):
    """The image (or batch of images) cannot be used: unreadable, truncated, empty, too large, wrong type."""


class OptionsError(FaceApiError, ValueError):
    """An options object holds a value face-api.js would reject (e.g. ``input_size`` not a multiple of 32)."""


class ModelError(FaceApiError):
    """A model file is missing, corrupt, does not match its manifest, or the runtime refused it."""


class NotLoadedError(ModelError):
    """A net was used before its model was loaded (call ``nets.<name>.load()`` first)."""


class DescriptorError(FaceApiError, ValueError):
    """A face descriptor cannot be used: wrong length, not 1-D, or not finite (NaN / infinity)."""


class ImageDecodeError(InputError):
    """The bytes are not an image that can be decoded: unknown format, truncated or corrupt."""


class ImageTooLargeError(InputError):
    """The image has more pixels than the configured limit (checked before decoding)."""
