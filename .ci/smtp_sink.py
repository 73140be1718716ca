"""A real SMTP server for the outbox's tests (issue 17, ADR 0019): aiosmtpd, requiring
STARTTLS before anything and AUTH (LOGIN or PLAIN) with the one account given. Each message
it takes is written to the output folder as NNNNNN.eml (the bytes as received, with the
envelope's recipients in an X-Envelope-To header first). The file `mode` in that folder,
read at each message, makes it answer otherwise: `refuse` (550, permanent), `tempfail`
(451, try later), `hang` (no answer to the message), `drop` (the connection closed instead of
an answer). It prints "ready" once listening and stops when its standard input closes.

    python smtp_sink.py --port P --cert cert.pem --key key.pem --user U --password W --out DIR
"""
import argparse
import asyncio
import itertools
import logging
import os
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    # aiosmtpd warns, at every AUTH, of a deprecation in its own code.
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    counter = itertools.count()

    def mode():
        try:
            with open(os.path.join(a.out, "mode")) as f:
                return f.read().strip()
        except FileNotFoundError:
            return "accept"

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            m = mode()
            if m == "refuse":
                return "550 5.7.1 Refused by the test server"
            if m == "tempfail":
                return "451 4.3.0 Try again later"
            if m == "hang":
                # Takes the message and never answers (the client gives up first).
                await asyncio.sleep(60)
                return "451 4.3.0 Too late"
            if m == "drop":
                # Drops the connection instead of answering.
                server.transport.close()
                return "421 4.3.0 Closing"
            n = next(counter)
            path = os.path.join(a.out, f"{n:06}.eml")
            head = ("X-Envelope-To: " + ", ".join(envelope.rcpt_tos) + "\r\n").encode()
            with open(path + ".tmp", "wb") as f:
                f.write(head + envelope.original_content)
            os.rename(path + ".tmp", path)
            return "250 2.0.0 OK"

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == a.user.encode()
            and auth_data.password == a.password.encode()
        )
        return AuthResult(success=ok, handled=False)

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(a.cert, a.key)
    controller = Controller(
        Handler(),
        hostname="127.0.0.1",
        port=a.port,
        tls_context=context,
        require_starttls=True,
        authenticator=authenticator,
        auth_required=True,
        auth_require_tls=True,
    )
    controller.start()
    print("ready", flush=True)
    try:
        sys.stdin.read()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
