"""An NTLM WinRM client built from Debian's python3-winrm 0.3.0 + requests_ntlm 1.1.0 + ntlm_auth 1.4.0,
driven over stdin/stdout (one JSON object per line) by python-interop.test.ts.

It uses the same calls requests_ntlm makes (ntlm.Ntlm(), create_negotiate_message(domain),
create_authenticate_message(user, password, domain)) and pywinrm's own Encryption class for the
multipart/encrypted framing, so our server is checked against the code pywinrm really runs.
"""
import base64
import json
import sys

from ntlm_auth import ntlm
from winrm.encryption import Encryption


def send(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def b64(data):
    return base64.b64encode(data).decode("ascii")


class _Auth:
    session_security = None


class _Session:
    auth = _Auth()


class _Response:
    def __init__(self, content):
        self.content = content


def main():
    setup = json.loads(sys.stdin.readline())
    username = setup["username"]
    # requests_ntlm splits DOMAIN\user and upper-cases the domain.
    if "\\" in username:
        domain, user = username.split("\\", 1)
        domain = domain.upper()
    else:
        domain, user = "", username

    context = ntlm.Ntlm()
    send({"negotiate": context.create_negotiate_message(domain).decode("ascii")})
    challenge = json.loads(sys.stdin.readline())["challenge"]
    context.parse_challenge_message(challenge)
    auth = context.create_authenticate_message(user, setup["password"], domain)
    send({"authenticate": auth.decode("ascii")})

    session = _Session()
    session.auth.session_security = context.session_security
    encryption = Encryption(session, "ntlm")
    for line in sys.stdin:
        request = json.loads(line)
        try:
            if "wrap" in request:
                message = base64.b64decode(request["wrap"])
                body = encryption._encrypt_message(message, "host") + encryption.MIME_BOUNDARY + b"--\r\n"
                send({"body": b64(body)})
            elif "unwrap" in request:
                plaintext = encryption._decrypt_response(_Response(base64.b64decode(request["unwrap"])), "host")
                send({"plaintext": b64(plaintext)})
        except Exception as error:  # reported to the test, which asserts on it
            send({"error": "%s: %s" % (type(error).__name__, error)})


if __name__ == "__main__":
    main()
