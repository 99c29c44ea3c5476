"""botocore service models for the two sending operations, loaded once and cached.

The models on disk are the truth for shapes, limits, patterns and enums; loading a model parses a
gzipped JSON file, so it is done once per process and shared by validation, skeletons and sending.
"""

from __future__ import annotations

import threading
from functools import cache

from botocore.loaders import create_loader
from botocore.model import ListShape, OperationModel, ServiceModel, Shape, StructureShape

PARTNER_SERVICE = "events"
PARTNER_OPERATION = "PutPartnerEvents"
PERSONALIZE_SERVICE = "personalize-events"
PERSONALIZE_OPERATION = "PutEvents"

_lock = threading.Lock()


@cache
def service_model(service: str) -> ServiceModel:
    """The botocore ServiceModel of ``service`` (boto3 name), parsed once per process."""
    with _lock:
        data = create_loader().load_service_model(service, "service-2")
        return ServiceModel(data, service_name=service)


@cache
def operation_model(service: str, operation: str) -> OperationModel:
    """The OperationModel of ``service``/``operation`` (API name, e.g. ``"PutEvents"``)."""
    return service_model(service).operation_model(operation)


def _input(service: str, operation: str) -> StructureShape:
    shape = operation_model(service, operation).input_shape
    assert isinstance(shape, StructureShape)
    return shape


def _list_member(shape: Shape) -> StructureShape:
    assert isinstance(shape, ListShape)
    member = shape.member
    assert isinstance(member, StructureShape)
    return member


def partner_request_shape() -> StructureShape:
    """PutPartnerEventsRequest: ``{"Entries": [...]}``."""
    return _input(PARTNER_SERVICE, PARTNER_OPERATION)


def partner_entries_shape() -> ListShape:
    """PutPartnerEventsRequestEntryList (min/max number of entries)."""
    shape = partner_request_shape().members["Entries"]
    assert isinstance(shape, ListShape)
    return shape


def partner_entry_shape() -> StructureShape:
    """PutPartnerEventsRequestEntry: Time, Source, Resources, DetailType, Detail."""
    return _list_member(partner_entries_shape())


def personalize_request_shape() -> StructureShape:
    """PutEventsRequest: trackingId, userId, sessionId, eventList."""
    return _input(PERSONALIZE_SERVICE, PERSONALIZE_OPERATION)


def personalize_event_list_shape() -> ListShape:
    """EventList (min/max number of events)."""
    shape = personalize_request_shape().members["eventList"]
    assert isinstance(shape, ListShape)
    return shape


def personalize_event_shape() -> StructureShape:
    """Event: eventId, eventType, eventValue, itemId, properties, sentAt, impression, …"""
    return _list_member(personalize_event_list_shape())


def limit(shape: Shape, key: str) -> int | None:
    """The model's ``min``/``max`` of ``shape``, or None when the model sets none."""
    value = shape.metadata.get(key)
    return int(value) if value is not None else None
