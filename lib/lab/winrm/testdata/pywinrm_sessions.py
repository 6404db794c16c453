"""Several pywinrm 0.3.0 sessions in one Python process (conformance.test.ts): one start of the
interpreter and of requests/ntlm_auth per transport instead of one per check.

Reads one JSON object on stdin: {"sessions": [{"conn": {Protocol kwargs}, "actions": [...]}]}.
Each session gets its own winrm.Protocol (so its own connection and logon). Actions are the
run_cmd sequence of Protocol calls: open (codepage), run (command, args), output, cleanup,
close. Prints {"sessions": [[result, ...], ...]}, with stdout/stderr base64-encoded so the test
sees the exact bytes pywinrm received. An exception ends its session (recorded as
{"error": type name, "message": text, "status", "body_bytes", "www_authenticate" of the HTTP
answer it came from, when there was one).
"""
import base64
import json
import sys

from winrm.exceptions import WinRMTransportError
from winrm.protocol import Protocol


def b64(data):
    return base64.b64encode(data).decode('ascii')


def run_session(session):
    p = Protocol(**session['conn'])
    results = []
    shell = command = None
    for action in session['actions']:
        op = action['op']
        try:
            if op == 'open':
                shell = p.open_shell(codepage=action.get('codepage', 437))
                results.append({'shell': shell})
            elif op == 'run':
                command = p.run_command(shell, action['command'], action.get('args', ()))
                results.append({'command': command})
            elif op == 'output':
                out, err, code = p.get_command_output(shell, command)
                results.append({'stdout': b64(out), 'stderr': b64(err), 'code': code})
            elif op == 'cleanup':
                p.cleanup_command(shell, command)
                results.append({})
            elif op == 'close':
                p.close_shell(shell)
                results.append({})
            else:
                raise ValueError('unknown op ' + op)
        except Exception as e:  # reported to the test, which asserts on type, text and status
            # The HTTP answer itself, not the exception class's fixed `code`: a WinRMTransportError
            # carries status and body; InvalidCredentialsError is raised while handling the
            # requests.HTTPError that holds the response.
            status = body_bytes = www_authenticate = None
            if isinstance(e, WinRMTransportError):
                status, body_bytes = e.code, len(e.response_text)
            else:
                response = getattr(e.__context__, 'response', None)
                if response is not None:
                    status, body_bytes = response.status_code, len(response.content)
                    www_authenticate = response.headers.get('WWW-Authenticate')
            results.append({'error': type(e).__name__, 'message': str(e), 'status': status,
                            'body_bytes': body_bytes, 'www_authenticate': www_authenticate})
            if shell is not None and op != 'close':
                # As a script's `finally` would: do not leave the shell behind on the server.
                try:
                    p.close_shell(shell)
                except Exception:
                    pass
            break
    return results


def main():
    plan = json.loads(sys.stdin.read())
    print(json.dumps({'sessions': [run_session(s) for s in plan['sessions']]}))


if __name__ == '__main__':
    main()
