"""pyfaceapi's HTTP server (``pyfaceapi.server``): the core behind a JSON API, plus the web app.

    from pyfaceapi.server import create_app
    app = create_app()            # Flask app; `pyfaceapi serve` runs it under gunicorn
"""

from .app import create_app
from .config import ServerConfig

__all__ = ["ServerConfig", "create_app"]
