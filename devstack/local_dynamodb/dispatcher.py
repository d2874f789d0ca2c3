"""moto's request dispatcher, with a direct route for the DynamoDB and DynamoDB Streams targets."""

from typing import Any, Literal

from flask import Flask
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

_BACKEND_BY_TARGET_PREFIX: dict[str, Literal["dynamodb", "dynamodbstreams"]] = {
    "DynamoDB_20120810.": "dynamodb",
    "DynamoDBStreams_20120810.": "dynamodbstreams",
}


class DynamoDbDispatcher(DomainDispatcherApplication):
    """Routes by X-Amz-Target to the backend moto itself would pick for it.

    moto's own routing lists its package directory on disk for every request (a sixth of the
    CPU of a PutItem, measured); the two targets this server exists for skip that. Anything
    else (the moto-api dashboard, other services) still goes through moto's routing.
    """

    def __init__(self) -> None:
        super().__init__(create_backend_app)

    def get_application(self, environ: dict[str, Any]) -> Flask:
        target = environ.get("HTTP_X_AMZ_TARGET") or ""
        backend = next(
            (
                name
                for prefix, name in _BACKEND_BY_TARGET_PREFIX.items()
                if target.startswith(prefix)
            ),
            None,
        )
        if backend is None:
            return super().get_application(environ)
        app = self.app_instances.get(backend)
        if app is None:
            with self.lock:
                app = self.app_instances.get(backend)
                if app is None:
                    app = self.app_instances[backend] = self.create_app(backend)
        return app
