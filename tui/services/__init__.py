"""UI-free boto3 layer: sessions, clients, paging, validation, outbox. Never imports textual/rich."""
