# Drives `jupyter console --kernel kiln` (Debian's jupyter_console, prompt_toolkit) in a pty
# with pexpect, the way a user types: each step sends keys, then reads until the prompt that
# step expects appears. Prints one JSON object: what the console showed for each step, with
# ANSI escapes and carriage returns stripped. The kernelspec is found through JUPYTER_PATH.
import json
import os
import re
import time

import pexpect

STEP_TIMEOUT_S = 30
ANSI = re.compile(r'\x1b\[[0-9;?]*[A-Za-z]')

env = dict(os.environ, TERM='xterm', PROMPT_TOOLKIT_NO_CPR='1')
console = pexpect.spawn('/usr/bin/python3', ['-m', 'jupyter_console', '--kernel', 'kiln'],
                        env=env, encoding='utf8', dimensions=(24, 120))


def read_until(pattern):
    """Reads until the stripped text so far matches pattern; returns that text."""
    seen = ''
    deadline = time.monotonic() + STEP_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            seen += console.read_nonblocking(10000, timeout=0.5)
        except pexpect.TIMEOUT:
            pass
        except pexpect.EOF:
            return ANSI.sub('', seen).replace('\r', '') + '<EOF>'
        text = ANSI.sub('', seen).replace('\r', '')
        if re.search(pattern, text):
            return text
    return ANSI.sub('', seen).replace('\r', '') + '<TIMEOUT>'


def type_line(line, pattern):
    console.send(line + '\r')
    return read_until(pattern)


result = {'banner': read_until(r'In \[1\]: $')}
result['fn_line1'] = type_line('fn sq(x: int) -> int {', r'\.\.\.: +$')
result['fn_line2'] = type_line('return x * x', r'\.\.\.: +$')
result['fn_end'] = type_line('}', r'In \[2\]: $')
result['call'] = type_line('sq(7)', r'In \[3\]: $')
result['input_prompt'] = type_line('let name = input("name? ")', r'name\? $')
result['input_answer'] = type_line('Ada', r'In \[4\]: $')
result['print'] = type_line('print("hello", name)', r'In \[5\]: $')
result['chart'] = type_line('plot([1.0, 2.0], [3.0, 4.0], "t")', r'In \[6\]: $')
result['error'] = type_line('1 / 0', r'In \[7\]: $')
result['after_error'] = type_line('sq(8)', r'In \[8\]: $')
console.send('\x04')  # Ctrl-D at an empty prompt
result['exit_question'] = read_until(r'\(\[y\]/n\)\? $')
console.send('y\r')
result['exit'] = read_until(r'<never>')  # ends with <EOF> when the console quits
console.close()
result['alive_after_exit'] = console.isalive()
result['exit_status'] = console.exitstatus
print(json.dumps(result))
