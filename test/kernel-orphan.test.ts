// A kernel whose front end dies without a shutdown_request does not run on as an orphan.
import { spawn } from 'node:child_process';
import { Client, KERNEL_MAIN, writeConnectionFile } from './support/client';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('the kernel shuts itself down when the process that started it dies, even mid-cell', async () => {
  const { file, info } = await writeConnectionFile();
  // A stand-in for jupyter_client: it starts the kernel with JPY_PARENT_PID set to itself.
  const launcher = spawn('sh', ['-c', `JPY_PARENT_PID=$$ "${process.execPath}" "${KERNEL_MAIN}" -f "${file}" & echo $!; wait`], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const kernelPid = await new Promise<number>((resolve) => launcher.stdout!.once('data', (d) => resolve(Number(String(d).trim()))));
  const client = new Client(info, 5);
  try {
    await client.ready();
    expect((await client.execute('let x = 1\nx')).reply.content.status).toBe('ok');
    client.send('shell', 'execute_request', { code: 'while true { }', silent: false, store_history: true, user_expressions: {}, allow_stdin: false });
    await new Promise((r) => setTimeout(r, 300));
    launcher.kill('SIGKILL');
    const deadline = Date.now() + 5000;
    while (alive(kernelPid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(alive(kernelPid)).toBe(false);
  } finally {
    client.close();
    if (alive(kernelPid)) process.kill(kernelPid, 'SIGKILL');
  }
});
