// A kernel whose front end dies without a shutdown_request does not run on as an orphan, and
// a dead stderr (closed terminal or pipe) neither crashes it nor makes it spin.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Client, FAKE_ENGINE, KERNEL_MAIN, writeConnectionFile } from './support/client';

jest.setTimeout(30000);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));

/** CPU seconds (user + system, all threads) the process has used so far. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

async function waitGone(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return !alive(pid);
}

/** A stand-in for jupyter_client: it starts the kernel with JPY_PARENT_PID set to itself. */
async function launch(env: NodeJS.ProcessEnv = {}) {
  const { file, info } = await writeConnectionFile();
  const launcher = spawn('sh', ['-c', `JPY_PARENT_PID=$$ "${process.execPath}" "${KERNEL_MAIN}" -f "${file}" & echo $!; wait`], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  const kernelPid = await new Promise<number>((resolve) => launcher.stdout!.once('data', (d) => resolve(Number(String(d).trim()))));
  return { launcher, kernelPid, client: new Client(info, 5) };
}

test('the kernel shuts itself down when the process that started it dies, even mid-cell', async () => {
  const { launcher, kernelPid, client } = await launch();
  try {
    await client.ready();
    expect((await client.execute('let x = 1\nx')).reply.content.status).toBe('ok');
    client.send('shell', 'execute_request', { code: 'while true { }', silent: false, store_history: true, user_expressions: {}, allow_stdin: false });
    await new Promise((r) => setTimeout(r, 300));
    launcher.kill('SIGKILL');
    expect(await waitGone(kernelPid, 5000)).toBe(true);
  } finally {
    client.close();
    if (alive(kernelPid)) process.kill(kernelPid, 'SIGKILL');
  }
});

test('stderr closed under the kernel: logging fails quietly, no busy loop, the parent watch still ends it', async () => {
  const { launcher, kernelPid, client } = await launch({ KILN_ENGINE_MODULE: FAKE_ENGINE });
  try {
    await client.ready();
    launcher.stderr!.destroy(); // nobody reads the kernel's stderr any more: every write fails (EPIPE)
    await client.sendFrames('shell', [Buffer.from('garbage')]); // makes the kernel log a line
    await client.sendFrames('control', [Buffer.from('more garbage')]);
    const before = cpuSeconds(kernelPid);
    await new Promise((r) => setTimeout(r, 1000));
    const { reply } = await client.request('shell', 'kernel_info_request', {}, 3000);
    expect(reply.content.status).toBe('ok');
    // An idle kernel uses a few ms of CPU a second; the loop it fell into used a whole core.
    expect(cpuSeconds(kernelPid) - before).toBeLessThan(0.3);
    launcher.kill('SIGKILL');
    expect(await waitGone(kernelPid, 3000)).toBe(true);
  } finally {
    client.close();
    if (alive(kernelPid)) process.kill(kernelPid, 'SIGKILL');
  }
});
