// Loads the native addon (native/build/kiln_native.node): LLVM 14 ORC LLJIT + the Kiln
// runtime library. The contract is kernel/engine/native-api.ts (JS side) and
// docs/runtime-abi.md (IR side).
//
// Notes on using it (decisions of the addon):
// - One addon state per thread (per Node environment). Everything runs synchronously on
//   the engine thread; the host callback is called on that same thread.
// - Interrupt flag: `kiln_interrupt` and `kiln_call_limit` are absolute symbols (the two
//   elements of the array, interrupt-word.ts), so their address is bound when the JIT is
//   created. Call `setInterruptFlag(words)` BEFORE `createJit()`; a flag given
//   after it is accepted but used only from the next `createJit()` (e.g. %reset) on: the
//   current JIT keeps polling the array it was created with (kept alive). Without any,
//   internal words are used (nothing can set them). `kiln_interrupted()` clears the word,
//   restores the limit and raises KeyboardInterrupt.
// - `run(address)` never throws for Kiln errors or faults (SIGSEGV/SIGBUS/SIGFPE/SIGILL
//   in JIT or runtime code become `{ok:false}`: kind `RuntimeError`, or
//   `RecursionError` for a native stack overflow, `ZeroDivisionError` for a hardware
//   divide fault). Buffered output is flushed to the host at the end of every run.
// - `readWord`/`writeWord` take/return a number; writeWord also accepts a bigint (for
//   words that do not fit in 53 bits, e.g. float bits).
// - Extra (not in native-api.ts): `gcCollect()` forces a full collection (tests).
import * as fs from 'fs';
import type { NativeAddon } from './native-api';
import { nativeBuildPath } from '../native-build';

export type { NativeAddon } from './native-api';

export interface NativeAddonExtras {
  /** Forces a full garbage collection (tests, benchmarks). */
  gcCollect(): void;
}

let cached: (NativeAddon & NativeAddonExtras) | undefined;

export function nativeAddonPath(): string {
  return nativeBuildPath('kiln_native.node');
}

/** The real paths of the two LLVM images, llvm-bindings' shared object and the addon, as
 *  /proc/self/maps names them (node_modules may be a symbolic link); each only once loaded. */
export function llvmImagePaths(): string[] {
  const images = Object.keys(require.cache).filter((f) => f.endsWith('llvm-bindings.node') || f === nativeAddonPath());
  return images.filter((f) => fs.existsSync(f)).map((f) => fs.realpathSync(f));
}

/** The real path of node's own image (the process's main program). */
export function nodeImagePath(): string {
  return fs.realpathSync(process.execPath);
}

export function loadNative(): NativeAddon & NativeAddonExtras {
  if (!cached) {
    const file = nativeAddonPath();
    if (!fs.existsSync(file)) {
      throw new Error(`Kiln native addon not built: ${file} (cmake -S native -B native/build -G Ninja -DCMAKE_BUILD_TYPE=Release && ninja -C native/build)`);
    }
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    cached = require(file) as NativeAddon & NativeAddonExtras;
  }
  return cached;
}
