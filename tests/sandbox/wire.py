"""Drive a sandbox backend's handle() with requests serialised by botocore and parse its answers."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import botocore.session
from botocore.exceptions import ClientError
from botocore.parsers import create_parser
from botocore.serialize import create_serializer

_session = botocore.session.get_session()


class WireClient:
    """Calls an operation the way boto3 would put it on the wire, through a backend's handle()."""

    def __init__(self, service: str, module: Any) -> None:
        self.model = _session.get_service_model(service)
        self.module = module
        self.serializer = create_serializer(
            self.model.metadata["protocol"], include_validation=True
        )
        self.parser = create_parser(self.model.metadata["protocol"])
        self.last_raw: tuple[int, dict[str, str], bytes] | None = None

    def call(self, operation: str, **params: Any) -> dict[str, Any]:
        op = self.model.operation_model(operation)
        request = self.serializer.serialize_to_request(params, op)
        url = urlsplit(request["url_path"])
        query = {
            k: [str(v)] if not isinstance(v, list) else v
            for k, v in request["query_string"].items()
        }
        query.update(parse_qs(url.query))
        body = request["body"] if isinstance(request["body"], bytes) else request["body"].encode()
        status, headers, raw = self.module.handle(
            request["method"], url.path, query, request["headers"], body
        )
        self.last_raw = (status, headers, raw)
        parsed = self.parser.parse(
            {
                "status_code": status,
                "headers": {k.lower(): v for k, v in headers.items()},
                "body": raw,
            },
            op.output_shape,
        )
        if status >= 300:
            raise ClientError(parsed, operation)
        parsed.pop("ResponseMetadata", None)
        return parsed
