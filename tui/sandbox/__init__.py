"""A local AWS-compatible endpoint (moto-based) for the demo and the tests. Never imports textual/rich.

Public API (stable; the app, the CLI and the tests use only this):

    sb = start_sandbox(host="127.0.0.1", port=0, seed=0, data=None, faults=None, demo=True)
    sb.endpoint        # "https://127.0.0.1:PORT" (self-signed certificate made at start)
    sb.ca_bundle       # path of that certificate (PEM), for AWS_CA_BUNDLE / --ca-bundle
    sb.region          # "us-east-1"
    sb.bearer_token    # the CodeCatalyst bearer token the sandbox accepts
    sb.env()           # {"AWS_ENDPOINT_URL": ..., "AWS_CA_BUNDLE": ..., "AWS_ACCESS_KEY_ID": ...,
                       #  "AWS_SECRET_ACCESS_KEY": ..., "AWS_REGION": ...,
                       #  "AWS_BEARER_TOKEN_CODECATALYST": ...}
    sb.set_faults("throttle=0.1,error=0.05,latency=20ms,reset=0.01,seed=7")  # or None to clear
    sb.received()      # {"events": [...], "personalize-events": [...]}  (same as GET /_sandbox/received)
    sb.reset_received()
    sb.stop()          # also: `with start_sandbox(...) as sb:`
"""

from __future__ import annotations
