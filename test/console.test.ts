// The kernel through Debian's jupyter_console, typed at as a user would: a pexpect driver
// (test/support/console_driver.py) runs `jupyter console --kernel kiln` in a pty with the
// kernelspec from `kiln install --prefix` found through JUPYTER_PATH. Ctrl-C is not tested:
// jupyter_console 6.4.4 has a known interrupt issue (README, Troubleshooting).
import { runPythonDriver } from './support/python-driver';

jest.setTimeout(420000);

test('jupyter console: banner, multi-line fn, input(), a chart, an error, Ctrl-D', () => {
  const seen: Record<string, unknown> = runPythonDriver('console_driver.py', 400000);
  // A step whose prompt never came ends with <TIMEOUT>: name it in the failure.
  for (const [step, text] of Object.entries(seen))
    if (typeof text === 'string') expect([step, text]).toEqual([step, expect.not.stringContaining('<TIMEOUT>')]);

  expect(seen.banner).toContain(
    '\nKiln 0.1 — a small statically typed language, compiled cell by cell to native code (LLVM ORC JIT)\nIn [1]: ',
  );
  // is_complete says "incomplete" until the closing brace: continuation prompts, no In [2].
  expect(seen.fn_line1).toMatch(/\n {3}\.\.\.: +$/);
  expect(seen.fn_line2).toMatch(/\n {3}\.\.\.: +$/);
  expect(seen.fn_line1).not.toContain('In [2]');
  expect(seen.fn_line2).not.toContain('In [2]');
  expect(seen.fn_end).toContain('In [1]: fn sq(x: int) -> int {\n   ...:     return x * x\n   ...:     }\n\nIn [2]: ');
  expect(seen.call).toContain('In [2]: sq(7)\nOut[2]: 49\n\nIn [3]: ');
  expect(seen.input_prompt).toMatch(/In \[3\]: let name = input\("name\? "\)\nname\? $/);
  expect(seen.input_answer).toBe('Ada\n\nIn [4]: ');
  expect(seen.print).toContain('In [4]: print("hello", name)\nhello Ada\n\nIn [5]: ');
  expect(seen.chart).toContain('In [5]: plot([1.0, 2.0], [3.0, 4.0], "t")\n<line chart "t": 2 points>\n\nIn [6]: ');
  expect(seen.error).toContain(
    'In [6]: 1 / 0\nTraceback (most recent call last):\n  cell 6, line 1, in <cell>\nZeroDivisionError: integer division or modulo by zero\n\nIn [7]: ',
  );
  expect(seen.after_error).toContain('In [7]: sq(8)\nOut[7]: 64\n\nIn [8]: ');
  expect(seen.exit_question).toMatch(/Do you really want to exit \(\[y\]\/n\)\? $/);
  expect(seen.exit).toBe('y\nShutting down kernel\n<EOF>');
  expect(seen.alive_after_exit).toBe(false);
  expect(seen.exit_status).toBe(0);
});
