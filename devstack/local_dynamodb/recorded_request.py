"""One journaled request: what is needed to send it again to the same moto app, as a JSON line."""

import base64
import json
from dataclasses import dataclass
from typing import Any

_REPLAYED_HEADERS = ("Content-Type", "Content-Encoding", "X-Moto-Account-Id")


class CorruptEntryError(ValueError):
    """A journal line that is not a recorded request."""


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    target: str
    path: str
    # Only the region of the SigV4 credential scope is kept: moto routes by it, and the file
    # then holds no access key id and no signature.
    region: str | None
    headers: dict[str, str]
    body: bytes

    @staticmethod
    def from_environ(environ: dict[str, Any], target: str, body: bytes) -> "RecordedRequest":
        path = environ.get("PATH_INFO", "/") or "/"
        query = environ.get("QUERY_STRING", "")
        headers = {
            name: value
            for name in _REPLAYED_HEADERS
            if (value := environ.get(_environ_key(name))) is not None
        }
        return RecordedRequest(
            target=target,
            path=f"{path}?{query}" if query else path,
            region=_region_of(environ.get("HTTP_AUTHORIZATION")),
            headers=headers,
            body=body,
        )

    def to_json_line(self) -> bytes:
        entry: dict[str, Any] = {
            "target": self.target,
            "path": self.path,
            "region": self.region,
            "headers": self.headers,
        }
        try:
            entry["body"] = self.body.decode("utf-8")
        except UnicodeDecodeError:
            entry["body_b64"] = base64.b64encode(self.body).decode("ascii")
        return json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"

    @staticmethod
    def from_json_line(line: bytes) -> "RecordedRequest":
        try:
            entry = json.loads(line)
            body = (
                entry["body"].encode("utf-8")
                if "body" in entry
                else base64.b64decode(entry["body_b64"], validate=True)
            )
            return RecordedRequest(
                target=str(entry["target"]),
                path=str(entry["path"]),
                region=entry["region"],
                headers={str(k): str(v) for k, v in entry["headers"].items()},
                body=body,
            )
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise CorruptEntryError(str(error)) from error

    def replay_headers(self) -> dict[str, str]:
        headers = dict(self.headers)
        headers["X-Amz-Target"] = self.target
        if self.region is not None:
            # No signature: moto does not verify them, it only reads the credential scope.
            headers["Authorization"] = (
                f"AWS4-HMAC-SHA256 Credential=replay/19700101/{self.region}/dynamodb/aws4_request"
            )
        return headers


def _environ_key(header: str) -> str:
    key = header.upper().replace("-", "_")
    return key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{key}"


def _region_of(authorization: str | None) -> str | None:
    # Same parsing as moto's own: "AWS4-HMAC-SHA256 Credential=AKID/date/REGION/service/...".
    if authorization is None or "AWS4" not in authorization:
        return None
    parts = authorization.split(",")[0].split("/")
    return parts[2] if len(parts) > 2 else None
