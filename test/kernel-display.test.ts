// Many display outputs from one cell through the real kernel over ZMQ: every display_data
// arrives, once, in order, with its exact data, each one after the print that came before it
// in the program, and every message is a well-formed, signed Jupyter message.
import type { Msg, RunningKernel } from './support/client';
import { startKernel } from './support/client';

jest.setTimeout(120000);

const N = 5000;

let k: RunningKernel;
beforeAll(async () => {
  k = await startKernel();
});
afterAll(async () => {
  await k?.stop();
});

/** The cell's outputs as the program made them: "print i" and "show i" steps, from the messages in arrival order. */
function steps(iopub: Msg[]): string[] {
  const out: string[] = [];
  for (const m of iopub) {
    if (m.header.msg_type === 'stream') {
      expect(m.content.name).toBe('stdout');
      for (const line of (m.content.text as string).split('\n').slice(0, -1)) out.push(`print ${line}`);
    } else if (m.header.msg_type === 'display_data') {
      expect(m.content).toEqual({ data: { 'text/html': expect.any(String) }, metadata: {}, transient: {} });
      out.push(`show ${m.content.data['text/html']}`);
    }
  }
  return out;
}

test(`a cell showing ${N} HTML outputs between prints: all arrive, in order, exact, after their print`, async () => {
  const code = `for i in 0..${N} {\n  print("p" + str(i))\n  html("<b>" + str(i) + "</b>")\n}\nprint("end")`;
  const { reply, iopub, msgId } = await k.client.execute(code, {}, 110000);
  expect(reply.content.status).toBe('ok');

  const expected: string[] = [];
  for (let i = 0; i < N; i++) expected.push(`print p${i}`, `show <b>${i}</b>`);
  expected.push('print end');
  expect(steps(iopub)).toEqual(expected);

  // Each a Jupyter message of its own: this kernel's session, the request as parent, a fresh id.
  const displays = iopub.filter((m) => m.header.msg_type === 'display_data');
  expect(displays).toHaveLength(N);
  const session = displays[0].header.session;
  for (const m of displays) {
    expect(m.header).toEqual({ msg_id: expect.any(String), msg_type: 'display_data', session, username: 'kiln', date: expect.any(String), version: '5.3' });
    expect(m.parent_header.msg_id).toBe(msgId);
    expect(m.metadata).toEqual({});
  }
  expect(new Set(displays.map((m) => m.header.msg_id)).size).toBe(N);
  expect(iopub.map((m) => m.header.msg_type).slice(0, 2)).toEqual(['status', 'execute_input']);
  expect(iopub.at(-1)?.content).toEqual({ execution_state: 'idle' });
});

test('the session goes on after the flood: the next cell shows its output', async () => {
  const { iopub } = await k.client.execute('html("<i>after</i>")\n1 + 1');
  expect(iopub.map((m) => m.header.msg_type)).toEqual(['status', 'execute_input', 'display_data', 'execute_result', 'status']);
  expect(iopub[2].content.data).toEqual({ 'text/html': '<i>after</i>' });
});
