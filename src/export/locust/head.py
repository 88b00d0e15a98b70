"""{{TITLE}}

Written by titancard-wh {{VERSION}}:
    {{COMMAND}}
Run that command again to write it anew (after an upgrade, or with other events or weights).

Run it with Locust (`pip install locust`: this file needs nothing else):

    export TITANCARD_WEBHOOK_SECRET=whsec_...   # read at start-up, never written in this file
    locust -f {{FILE}} --headless -u 50 -r 10 -t 1m{{RUN_FLAGS}} \
        --host https://example.com/webhook

--host is the webhook's whole URL: every delivery is POSTed to exactly that URL, as TitanCard
posts it. The file runs unchanged standalone, as a master (`--master --expect-workers N`) or as
a worker (`--worker --master-host HOST`); every process that sends (standalone or worker)
needs TITANCARD_WEBHOOK_SECRET, the master does not. A master counts every request with
`--autostart --autoquit 8` rather than `--headless`, which quits before the workers' last
reports (titancard-wh's guide, docs/load.md, says more).

{{WHAT}}

Each delivery is signed with HMAC-SHA256 over the exact bytes sent and carries the reference's
four headers, as `titancard-wh send` sends them. A non-2xx answer, or none, is a failure named
with the kind titancard-wh gives it (signature_rejected, body_rejected, crashed, timeout, ...), so
Locust's failure table reads like titancard-wh's summary. Redirects are not followed (TitanCard
does not follow them), and https certificates are checked as titancard-wh checks them.
"""

import errno
import hmac
import os
import random
import socket
import ssl
import sys
import time

import gevent
from locust import FastHttpUser, constant, events, task
from locust.runners import MasterRunner, WorkerRunner

SECRET_ENV = "TITANCARD_WEBHOOK_SECRET"
# The key, read once when Locust loads this file; it is never printed, logged or written.
SECRET = os.environ.get(SECRET_ENV, "").encode("utf-8")

# The signature scheme ("Signature Verification"), and where a request's own signature goes in
# its headers.
SCHEME = {{SCHEME}}
SIGNED = SCHEME + "<signed per request>"

# Fresh ids keep the shape of the reference's ids: the sample's leading letter and digits (j57 of
# j57xyz789ghi), then lower-case letters and digits up to the sample's length.
ID_ALPHABET = "{{ID_ALPHABET}}"
{{ID_SHAPES}}

# What a non-2xx answer means, from titancard-wh's explainer: (first status, last status, kind,
# words); "{status}" stands for the status.
ANSWERS = (
{{ANSWERS}}
)

# What a missing answer means, by what the client ran into: (kind, words).
NO_ANSWER = {
{{NO_ANSWER}}
}


def webhook_headers(event):
    """The headers of a delivery of `event`, in the order titancard-wh sends them."""
    # {{HEADERS_WHAT}}
    return {
{{HEADERS}}
    }


def now_ms():
    """Milliseconds since the epoch, as the reference's timestamps count time."""
    return time.time_ns() // 1_000_000


def fresh_id(rng, shape):
    """A new id of `shape` (prefix, length), as bytes for a body."""
    prefix, length = shape
    return (prefix + "".join(rng.choices(ID_ALPHABET, k=length - len(prefix)))).encode("ascii")


def sign(body):
    """The X-Webhook-Signature value of `body`: the scheme and the HMAC-SHA256 of its bytes."""
    return SCHEME + hmac.digest(SECRET, body, "sha256").hex()


class Delivery:
    """One event's request: its headers, and its body with a hole for each fresh thing.

    In the body, %(contact)s is a fresh id and %(now)d, %(now+3)d a time in milliseconds (the
    start of the delivery or walk, plus 3); everything else is sent byte for byte, %% as %.
    """

    def __init__(self, event, body, times, ids=None):
        self.event = event
        self.body = body
        self.headers = webhook_headers(event)
        self.signed = [name for name, value in self.headers.items() if value == SIGNED]
        self.times = [(b"now" if offset == 0 else b"now+%d" % offset, offset) for offset in times]
        self.ids = [(name.encode("ascii"), shape) for name, shape in (ids or {}).items()]

    def render(self, start, ids):
        """The body with `ids` (name -> bytes) and the times counted from `start`."""
        values = dict(ids)
        for key, offset in self.times:
            values[key] = start + offset
        return self.body % values


def explain_status(status):
    """How titancard-wh names a non-2xx answer: its kind and what it means."""
    shown = min(max(status, 100), 999)  # the table covers every three-digit status
    for first, last, kind, words in ANSWERS:
        if first <= shown <= last:
            return f"{kind}: " + words.replace("{status}", str(status))
    return f"rejected: the endpoint answered {status}"


def no_answer_case(error):
    """The kind of missing answer `error` is, and the error (it or its cause) that says so."""
    cause = error
    for _ in range(8):
        if cause is None:
            break
        if isinstance(cause, (TimeoutError, gevent.Timeout)):
            return "timeout", cause
        if isinstance(cause, ConnectionRefusedError):
            return "refused", cause
        if isinstance(cause, socket.gaierror):
            return "unresolved", cause
        if isinstance(cause, (ssl.SSLError, ssl.CertificateError)):
            return "tls", cause
        if isinstance(cause, (ConnectionResetError, ConnectionAbortedError, BrokenPipeError)):
            return "reset", cause
        if any(cls.__name__ == "HTTPConnectionClosed" for cls in type(cause).__mro__):
            return "reset", cause
        if isinstance(cause, OSError) and cause.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
            return "connect", cause
        cause = cause.__cause__ or cause.__context__
    return "other", error


def explain_error(error):
    """How titancard-wh names a delivery that got no answer."""
    case, cause = no_answer_case(error)
    kind, words = NO_ANSWER[case]
    return f"{kind}: {words} ({type(cause).__name__})"


def deliver(user, name, delivery, body):
    """POSTs `body` signed, and judges the answer as titancard-wh does: 2xx or a failure."""
    headers = dict(delivery.headers)
    for header in delivery.signed:
        headers[header] = sign(body)
    with user.client.post(
        "", data=body, headers=headers, name=name, catch_response=True, allow_redirects=False
    ) as response:
        status = response.status_code or 0
        if 200 <= status <= 299:
            response.success()
        elif status == 0:
            response.failure(explain_error(response.error))
        else:
            response.failure(explain_status(status))


@events.init.add_listener
def check_setup(environment, **_kwargs):
    """Stops at once, with one line, a run that could not sign or has nowhere to send."""
    if isinstance(environment.runner, MasterRunner):
        return  # the master sends nothing: it needs no secret
    if not SECRET:
        sys.stderr.write(
            f"{__file__}: error: no secret: set {SECRET_ENV} to the webhook's secret "
            "(every process that sends needs it; it is never written in this file)\n"
        )
        raise SystemExit(2)
    headless = getattr(environment.parsed_options, "headless", False)
    if headless and not environment.host and not isinstance(environment.runner, WorkerRunner):
        sys.stderr.write(f"{__file__}: error: no --host: give the webhook's URL with --host URL\n")
        raise SystemExit(2)


class WebhookSender(FastHttpUser):
    """What every user of this file shares: how it sends, and its own source of fresh ids."""

    abstract = True
    # No pause: each user sends its next delivery once the last one is answered. For a steady
    # rate per user, use constant_throughput(N) from locust instead.
    wait_time = constant(0)
    # The deadline of an answer ({{TIMEOUT_WHY}}).
    network_timeout = {{TIMEOUT}}
    connection_timeout = {{TIMEOUT}}
    # Check the endpoint's certificate, as titancard-wh does (Locust's own default is not to).
    insecure = False

    def on_start(self):
        # Seeded from the system's randomness: users, workers and forks draw different ids.
        self.rng = random.Random()
