"""The SMTP side of delivery: `DISPATCH_SMTP_URL` and one message handed to the server.

`smtp://[user:pw@]host:port` upgrades with STARTTLS whenever the server offers it (and
then logs in); `smtps://` speaks TLS from the first byte. The sender tells a refusal for
good (5xx) from a temporary one, so the outbox knows whether to try again.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

TIMEOUT_S = 30.0


class SmtpConfigError(ValueError):
    """DISPATCH_SMTP_URL is not an smtp:// or smtps:// URL with a host."""


class SendError(Exception):
    """The server did not take the message; `permanent` when trying again cannot help."""

    def __init__(self, message: str, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    username: str | None = None
    password: str | None = None
    implicit_tls: bool = False

    @classmethod
    def from_url(cls, url: str) -> SmtpConfig:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise SmtpConfigError("DISPATCH_SMTP_URL must look like smtp://[user:pw@]host:port")
        implicit = parts.scheme == "smtps"
        return cls(host=parts.hostname, port=parts.port or (465 if implicit else 587),
                   username=unquote(parts.username) if parts.username else None,
                   password=unquote(parts.password) if parts.password else None,
                   implicit_tls=implicit)


def send(config: SmtpConfig, message: EmailMessage,
         tls_context: ssl.SSLContext | None = None) -> None:
    """Hand `message` to the server; raises SendError when it was not accepted."""
    context = tls_context or ssl.create_default_context()
    try:
        if config.implicit_tls:
            client: smtplib.SMTP = smtplib.SMTP_SSL(config.host, config.port,
                                                    timeout=TIMEOUT_S, context=context)
        else:
            client = smtplib.SMTP(config.host, config.port, timeout=TIMEOUT_S)
        with client:
            client.ehlo()
            if not config.implicit_tls and client.has_extn("starttls"):
                client.starttls(context=context)
                client.ehlo()
            if config.username:
                client.login(config.username, config.password or "")
            client.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        raise SendError(f"recipient refused: {codes}",
                        permanent=all(c >= 500 for c in codes)) from exc
    except smtplib.SMTPResponseException as exc:
        raise SendError(f"{exc.smtp_code} {exc.smtp_error!r}",
                        permanent=exc.smtp_code >= 500) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise SendError(f"{type(exc).__name__}: {exc}", permanent=False) from exc
