"""Run the app under gunicorn (a production WSGI server): ``pyfaceapi serve``.

Each worker process builds its own app and loads its own models; within a worker, ``threads`` request
threads share them (see the concurrency note in :mod:`pyfaceapi.server.app`).
"""

from __future__ import annotations

from typing import Any

from .config import ServerConfig


def serve(host: str = "127.0.0.1", port: int = 8000, workers: int = 1, threads: int = 4,
          config: ServerConfig | None = None) -> None:
    from gunicorn.app.base import BaseApplication

    from .app import create_app

    class Application(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            settings: dict[str, Any] = {"bind": f"{host}:{port}", "workers": workers, "threads": threads,
                                        "worker_class": "gthread", "timeout": 120, "accesslog": "-"}
            for key, value in settings.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return create_app(config)

    Application().run()
