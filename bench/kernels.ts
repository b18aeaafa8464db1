// The kernels the bench compares, started alike by the same client: argv for a connection
// file, and the environment (ipykernel's debugger warns on stderr without PYDEVD_...).
import { KERNEL_MAIN, startKernel, type RunningKernel } from '../test/support/client';

export const KERNEL_ARGV: Record<string, (connectionFile: string) => string[]> = {
  kiln: (f) => [process.execPath, KERNEL_MAIN, '-f', f],
  ipykernel: (f) => ['/usr/bin/python3', '-m', 'ipykernel_launcher', '-f', f],
};

export const KERNEL_ENV = { PYDEVD_DISABLE_FILE_VALIDATION: '1' };

/** One of the bench's kernels, started by test/support/client.ts's startKernel. */
export function startBenchKernel(kernel: string): Promise<RunningKernel> {
  return startKernel({ argv: KERNEL_ARGV[kernel], env: KERNEL_ENV });
}
