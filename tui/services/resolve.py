"""Where calls go: every connection setting's value in force and where it came from, as AWS CLI v2.

Why: the header, the send confirmation, the outbox journal, copy-as-CLI, the recovery screen and
``doctor`` must all name the same destination, and it must be the one the client really uses. So
there is one resolver, UI-free and cheap (it reads the config files, builds no client), built on
botocore's own config machinery; where botocore differs from the AWS CLI v2 (``AWS_REGION``), the
CLI wins, and the client factory builds its clients from this answer.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tui.errors import ConfigError
from tui.services.options import ConnectionOptions

if TYPE_CHECKING:  # botocore is imported where it is used: the UI's first paint needs none of it
    import botocore.session
    from botocore.configprovider import ConfiguredEndpointProvider

# The services eventdeck talks to (boto3 names), in pane order.
SERVICES: tuple[str, ...] = (
    "ivs-realtime",
    "codecatalyst",
    "customer-profiles",
    "events",
    "personalize-events",
)
DEFAULT_READ_TIMEOUT = 60.0
DEFAULT_CONNECT_TIMEOUT = 60.0
DEFAULT_RETRY_MODE = "standard"  # the AWS CLI v2's default (botocore's own is "legacy")


class ProfileNotFoundError(ConfigError):
    """The profile named by --profile or AWS_PROFILE is in neither AWS config file."""


@dataclass(frozen=True)
class Setting:
    """One resolved value and where it came from (``--region``, ``AWS_REGION``, ``profile prod``…)."""

    value: Any
    source: str

    def describe(self, empty: str = "none") -> str:
        """``value (from source)``, for doctor and the confirmation."""
        shown = empty if self.value is None else str(self.value)
        return f"{shown} ({self.origin})"

    @property
    def origin(self) -> str:
        """``from AWS_REGION`` …, or ``the default`` when nothing set it."""
        return "the default" if self.source == "default" else f"from {self.source}"


@dataclass(frozen=True)
class Resolved:
    """The connection as the AWS CLI v2 would make it; ``endpoints`` per service (None: AWS's)."""

    profile: Setting
    region: Setting
    endpoints: dict[str, Setting]
    ca_bundle: Setting
    verify: Setting  # False, a CA bundle path, or True (botocore's bundled certificates)
    read_timeout: Setting
    connect_timeout: Setting
    max_attempts: Setting
    retry_mode: Setting
    profiles: tuple[str, ...] = field(default=())

    def endpoint(self, service: str) -> Setting:
        """The endpoint URL ``service``'s client uses (value None: AWS's public one)."""
        found = self.endpoints.get(service)
        if found is not None:
            return found
        return Setting(None, "AWS (the region's public endpoint)")

    def destination(self, service: str) -> dict[str, Any]:
        """What the outbox journal records: profile, region and endpoint (None: AWS's)."""
        return {
            "profile": self.profile.value,
            "region": self.region.value,
            "endpoint": self.endpoint(service).value,
        }

    @property
    def custom_endpoint(self) -> str | None:
        """The one custom endpoint every service uses, "several" if they differ, None if AWS's."""
        urls = {s.value for s in self.endpoints.values()}
        if not urls or urls == {None}:
            return None
        if len(urls) == 1:
            return str(next(iter(urls)))
        return "several endpoints"

    @property
    def verify_argument(self) -> bool | str | None:
        """botocore's ``verify``: given only for --no-verify-ssl or --ca-bundle (else None).

        Why: ``verify=True`` would override AWS_CA_BUNDLE and the profile's ca_bundle.
        """
        if self.verify.source == "--no-verify-ssl":
            return False
        if self.ca_bundle.source == "--ca-bundle":
            return str(self.ca_bundle.value)
        return None


def new_session(profile: str | None = None, *, isolated: bool = False) -> botocore.session.Session:
    """A botocore Session for ``profile`` (None: botocore's own choice from the environment).

    Why one place: a Session reads the AWS config files each time it is asked, and is not
    thread-safe; every session eventdeck uses is built here, by the resolver and the client
    factory, so who reads the config, and when, is visible in one module. ``isolated``: a
    session that never takes its profile from AWS_PROFILE (the demo's, whose keys are given).
    """
    import botocore.session

    if isolated:
        return botocore.session.Session(session_vars={"profile": (None, None, None, None)})
    return botocore.session.Session(profile=profile)


def read_aws_config() -> dict[str, Any]:
    """The AWS config and credentials files as botocore reads them (profiles, sso-sessions…).

    Reads files: call it from a worker thread, never on the UI's event loop.
    """
    config: dict[str, Any] = new_session().full_config
    return config


def profile_names() -> tuple[str, ...]:
    """Every profile of the AWS config files, sorted (the profile pickers' list; reads files)."""
    return tuple(sorted(new_session().available_profiles))


@functools.cache
def data_session() -> botocore.session.Session:
    """A session used only for botocore's bundled data (endpoints.json, service models).

    Why shared and cached: that data never changes while eventdeck runs, and loading it is the
    slow part; it reads no credentials, so one session serves every thread's read-only lookups.
    """
    return new_session()


def same_destination(recorded: dict[str, Any], current: dict[str, Any]) -> bool:
    """Whether a journaled batch's destination is the current one (profile, region, endpoint).

    A record missing any of the three (journaled by an older eventdeck, which wrote None) does not
    match: where it was going is unknown, and it must never go somewhere else by default.
    """
    keys = ("profile", "region", "endpoint")
    if any(recorded.get(k) is None for k in ("profile", "region")):
        return False
    return all(recorded.get(k) == current.get(k) for k in keys)


def describe_destination(recorded: dict[str, Any]) -> str:
    """``profile · region · endpoint`` of a journaled destination, for lists and prompts."""
    if recorded.get("profile") is None or recorded.get("region") is None:
        return "destination not recorded"
    endpoint = recorded.get("endpoint") or "AWS"
    return f"{recorded['profile']} · {recorded['region']} · {endpoint}"


def resolve(
    options: ConnectionOptions,
    *,
    environ: Mapping[str, str] | None = None,
    services: tuple[str, ...] = SERVICES,
) -> Resolved:
    """Resolve every setting as the AWS CLI v2 does; raise ProfileNotFoundError for a bad profile."""
    return resolve_with_session(options, environ=environ, services=services)[0]


def resolve_with_session(
    options: ConnectionOptions,
    *,
    environ: Mapping[str, str] | None = None,
    services: tuple[str, ...] = SERVICES,
) -> tuple[Resolved, botocore.session.Session]:
    """``resolve``, and the botocore Session it read the config with.

    Why: the client factory builds its clients on a session made exactly so (the same profile,
    the same isolation); handing this one over saves making a second one and parsing the config
    files again (~5 ms), and the clients then use the very config the resolution read.
    """
    from botocore.exceptions import BotoCoreError, ProfileNotFound
    from botocore.utils import ensure_boolean

    env = options.environment(environ)
    profile = resolve_profile(options, env)
    session = new_session(session_profile(profile), isolated=options.isolated)
    try:
        profiles = tuple(sorted(session.available_profiles))
        scoped = _scoped_for(session, str(profile.value))
    except ProfileNotFound:
        raise _profile_not_found(profile, profiles) from None
    except BotoCoreError as exc:  # an unparsable config file
        raise ConfigError(f"The AWS config cannot be read: {exc}") from None
    where = f"profile {profile.value}"
    region = _first(
        (options.region, "--region"),
        (env.get("AWS_REGION"), "AWS_REGION"),
        (env.get("AWS_DEFAULT_REGION"), "AWS_DEFAULT_REGION"),
        (options.default_region, "eventdeck config [aws] region"),
        (scoped.get("region"), f"{where}'s region"),
        default=Setting(None, "nowhere"),
    )
    ignore = _first(
        (env.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"),
        (scoped.get("ignore_configured_endpoint_urls"), where),
        default=Setting(False, "default"),
    )
    endpoints = {
        service: _endpoint(session, scoped, service, options, env, ensure_boolean(ignore.value))
        for service in services
    }
    ca_bundle = _first(
        (options.ca_bundle, "--ca-bundle"),
        (env.get("AWS_CA_BUNDLE"), "AWS_CA_BUNDLE"),
        (scoped.get("ca_bundle"), f"{where}'s ca_bundle"),
        default=Setting(None, "botocore's bundled certificates"),
    )
    if not options.verify_ssl:
        verify = Setting(False, "--no-verify-ssl")
    elif ca_bundle.value:
        verify = Setting(str(ca_bundle.value), ca_bundle.source)
    else:
        verify = Setting(True, "botocore's bundled certificates")
    read_timeout = _first(
        (options.read_timeout, "--cli-read-timeout"),
        default=Setting(DEFAULT_READ_TIMEOUT, "default"),
    )
    connect_timeout = _first(
        (options.connect_timeout, "--cli-connect-timeout"),
        default=Setting(DEFAULT_CONNECT_TIMEOUT, "default"),
    )
    max_attempts = _first(
        (_int(env.get("AWS_MAX_ATTEMPTS"), "AWS_MAX_ATTEMPTS"), "AWS_MAX_ATTEMPTS"),
        (_int(scoped.get("max_attempts"), f"{where}'s max_attempts"), f"{where}'s max_attempts"),
        default=Setting(max(1, options.max_attempts), "eventdeck config [aws] max_attempts"),
    )
    retry_mode = _first(
        (env.get("AWS_RETRY_MODE"), "AWS_RETRY_MODE"),
        (scoped.get("retry_mode"), f"{where}'s retry_mode"),
        default=Setting(DEFAULT_RETRY_MODE, "default"),
    )
    resolved = Resolved(
        profile=profile,
        region=region,
        endpoints=endpoints,
        ca_bundle=ca_bundle,
        verify=verify,
        read_timeout=read_timeout,
        connect_timeout=connect_timeout,
        max_attempts=max_attempts,
        retry_mode=retry_mode,
        profiles=profiles,
    )
    return resolved, session


CONFIG_PROFILE = "eventdeck config [aws] profile"


def resolve_profile(options: ConnectionOptions, env: Any = None) -> Setting:
    """The profile in force and where it came from (no file is read: cheap anywhere)."""
    env = options.environment(env)
    return _first(
        (options.profile, "--profile"),
        # botocore (and so the AWS CLI v2 built on it) reads AWS_DEFAULT_PROFILE first.
        (env.get("AWS_DEFAULT_PROFILE"), "AWS_DEFAULT_PROFILE"),
        (env.get("AWS_PROFILE"), "AWS_PROFILE"),
        (options.default_profile, CONFIG_PROFILE),
        default=Setting("default", "default"),
    )


def session_profile(profile: Setting) -> str | None:
    """The profile to hand botocore's Session: only one the user named (flag or eventdeck config).

    Why: a profile passed explicitly makes botocore skip the AWS_ACCESS_KEY_ID credentials, as
    ``aws --profile`` does; one from AWS_PROFILE must leave botocore's own chain as it is.
    """
    return str(profile.value) if profile.source in ("--profile", CONFIG_PROFILE) else None


def _scoped_for(session: botocore.session.Session, name: str) -> dict[str, Any]:
    """The config of profile ``name`` (the one botocore picks from the environment)."""
    profiles: dict[str, Any] = session.full_config.get("profiles", {})
    if name in profiles:
        return dict(profiles[name])
    if name == "default":
        return {}
    from botocore.exceptions import ProfileNotFound

    raise ProfileNotFound(profile=name)


def _profile_not_found(profile: Setting, profiles: tuple[str, ...]) -> ProfileNotFoundError:
    known = ", ".join(profiles) if profiles else "none"
    return ProfileNotFoundError(
        f"The AWS profile '{profile.value}' (from {profile.source}) does not exist; "
        f"profiles: {known}."
    )


def _endpoint(
    session: botocore.session.Session,
    scoped: dict[str, Any],
    service: str,
    options: ConnectionOptions,
    env: Any,
    ignore_configured: bool,
) -> Setting:
    """The endpoint botocore will use for ``service``, with the place it was configured."""
    from botocore.configprovider import ConfiguredEndpointProvider
    from botocore.exceptions import BotoCoreError

    if options.endpoint_url:
        return Setting(options.endpoint_url, "--endpoint-url")
    if ignore_configured:
        return Setting(None, "AWS (configured endpoint URLs are ignored)")
    provider = ConfiguredEndpointProvider(
        full_config=session.full_config, scoped_config=scoped, client_name=service, environ=env
    )
    try:
        url = provider.provide()
    except BotoCoreError as exc:  # a `services` name with no [services …] section
        raise ConfigError(str(exc)) from None
    if not url:
        return Setting(None, "AWS (the region's public endpoint)")
    service_var = provider._get_service_env_var_name()
    if env.get(service_var) == url:
        source = service_var
    elif env.get("AWS_ENDPOINT_URL") == url:
        source = "AWS_ENDPOINT_URL"
    elif scoped.get("endpoint_url") == url and not _service_section_url(provider):
        source = "profile's endpoint_url"
    else:
        source = f"[services {scoped.get('services')}] {provider._transformed_service_id}"
    return Setting(url, source)


def _service_section_url(provider: ConfiguredEndpointProvider) -> str | None:
    url = provider._get_endpoint_url_config_service()
    return str(url) if url else None


def _first(*candidates: tuple[Any, str], default: Setting) -> Setting:
    for value, source in candidates:
        if value is not None and value != "":
            return Setting(value, source)
    return default


def _int(value: Any, where: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        raise ConfigError(f"{where} is {value!r}, not a whole number.") from None
