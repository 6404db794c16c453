"""Drives the lab's WinRM server with Debian's python3-winrm 0.3.0 (pywinrm), an independent client.

Reads one JSON object on stdin: {"conn": {Protocol kwargs}, "actions": [...]}, runs the actions
with winrm.Protocol (open_shell, run_command, get_command_output, cleanup_command, close_shell;
not Session.run_ps, which crashes on non-empty stderr in 0.3.0), and prints one JSON object:
{"results": [...], "timeouts": <TimedOut faults pywinrm swallowed>}.

pywinrm 0.3.0 has no Send; "send" builds the request the way pywinrm >= 0.4 does
(send_command_input) with 0.3.0's own header helper.
"""
import base64
import json
import os
import sys
import time

import xmltodict
import winrm
from winrm.exceptions import WinRMOperationTimeoutError
from winrm.protocol import Protocol

CMD = 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/cmd'
SEND = 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Send'


def b64(data):
    return base64.b64encode(data).decode('ascii')


def send_input(p, shell_id, command_id, data, end):
    req = {'env:Envelope': p._get_soap_header(resource_uri=CMD, action=SEND, shell_id=shell_id)}
    stream = req['env:Envelope'].setdefault('env:Body', {}).setdefault('rsp:Send', {}).setdefault('rsp:Stream', {})
    stream['@Name'] = 'stdin'
    stream['@CommandId'] = command_id
    stream['#text'] = b64(data)
    if end:
        stream['@End'] = 'true'
    p.send_message(xmltodict.unparse(req))


def clean_clixml(stderr):
    # What Session.run_ps does with stderr (0.3.0's _clean_error_msg), fed a str as it expects.
    session = winrm.Session.__new__(winrm.Session)
    return session._clean_error_msg(stderr.decode('utf-8', 'replace'))


def main():
    plan = json.loads(sys.stdin.read())
    p = Protocol(**plan['conn'])
    timeouts = [0]
    original = p.send_message

    def counting(message):
        try:
            return original(message)
        except WinRMOperationTimeoutError:
            timeouts[0] += 1
            raise

    p.send_message = counting
    results = []
    shell = command = None
    for action in plan['actions']:
        op = action['op']
        try:
            if op == 'open':
                shell = p.open_shell(codepage=action.get('codepage', 437), env_vars=action.get('env'))
                results.append({'shell': shell})
            elif op == 'run':
                command = p.run_command(action.get('shell', shell), action['command'], action.get('args', ()))
                results.append({'command': command})
            elif op == 'send':
                send_input(p, shell, command, action['data'].encode(action.get('encoding', 'utf-8')), action.get('end', False))
                results.append({})
            elif op == 'output':
                out, err, code = p.get_command_output(shell, command)
                results.append({'stdout': b64(out), 'stderr': b64(err), 'code': code,
                                'clean_stderr': clean_clixml(err) if err else ''})
            elif op == 'cleanup':
                p.cleanup_command(shell, command)
                results.append({})
            elif op == 'close':
                p.close_shell(action.get('shell', shell))
                results.append({})
            elif op == 'wait_file':
                deadline = time.time() + action.get('timeout', 15)
                while not os.path.exists(action['path']) or os.path.getsize(action['path']) == 0:
                    if time.time() > deadline:
                        raise RuntimeError('timed out waiting for ' + action['path'])
                    time.sleep(0.05)
                results.append({})
            else:
                raise ValueError('unknown op ' + op)
        except Exception as e:  # reported to the test, which asserts on type and text
            results.append({'error': type(e).__name__, 'message': str(e)})
            if not action.get('continue'):
                break
    print(json.dumps({'results': results, 'timeouts': timeouts[0]}))


if __name__ == '__main__':
    main()
