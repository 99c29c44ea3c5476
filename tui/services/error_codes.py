"""The families of AWS error codes eventdeck tells apart (throttled, denied, expired, skewed…).

Why apart: which family a code belongs to is data (botocore's retry rules, each service's error
shapes), kept in one table that the translation of AWS's answers reads.
"""

from __future__ import annotations

# botocore's standard retry mode treats these as throttling (retries/standard.py), plus S3's.
THROTTLE_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "TransactionInProgressException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "LimitExceededException",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
    }
)
ACCESS_DENIED_CODES = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "UnauthorizedException",
        "Forbidden",
        "ForbiddenException",
        "AuthorizationError",
    }
)
EXPIRED_CREDENTIAL_CODES = frozenset(
    {"ExpiredToken", "ExpiredTokenException", "TokenRefreshRequired"}
)
# The request's signing time is too far from AWS's: the computer's clock is wrong, not the keys.
CLOCK_SKEW_CODES = frozenset({"RequestTimeTooSkewed", "RequestExpired", "RequestInTheFuture"})
CLOCK_SKEW_PHRASES = ("signature expired", "signature not yet current", "too skewed")
REJECTED_CREDENTIAL_CODES = frozenset(
    {
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
        "IncompleteSignature",
        "MissingAuthenticationToken",
        "MissingAuthenticationTokenException",
        "InvalidAccessKeyId",
    }
)
NOT_FOUND_CODES = frozenset(
    {"ResourceNotFoundException", "NotFoundException", "NotFound", "NoSuchEntity"}
)
VALIDATION_CODES = frozenset(
    {
        "ValidationException",
        "ValidationError",
        "BadRequestException",
        "InvalidParameterException",
        "InvalidParameterValue",
        "InvalidRequestException",
        "InvalidInputException",
        "SerializationException",
    }
)


def is_clock_skew(code: str, message: str) -> bool:
    lowered = message.lower()
    return code in CLOCK_SKEW_CODES or any(p in lowered for p in CLOCK_SKEW_PHRASES)
