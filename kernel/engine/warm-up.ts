// The warm-up of a fresh engine, run by the kernel's engine worker once the engine has
// loaded and before it reads the first request (kernel_info_reply never waits for it: the
// main thread answers that alone).
//
// A first cell would otherwise pay for what only happens once in a process: V8 compiling
// the lexer, parser, checker and lowering; LLVM building its target machine and pass
// pipelines and faulting in the code of its optimiser and code generator. The warm-up
// compiles and runs cells that take those paths, then resets the session (a fresh JIT, as
// `%reset`): nothing is defined, nothing printed, the execution count is the kernel's and
// never sees it. Before that it hands back the pages the two LLVM images touched only
// while loading (native-api.ts releaseLoadPages); what a compile needs comes back at once,
// during the warm-up, so the first cell does not pay for it.
import type { Session } from './session';
import { llvmImagePaths } from './native';

/** Straight-line code (compiled at %opt 0) and a function (at the session's level). */
const WARM_CELLS = ['1 + 1', 'fn kiln_warm_up(x: int) -> int { return x + 1 }\nkiln_warm_up(1)'];

/** Warms `session` up and leaves it as new. An interrupt that arrives meanwhile (meant for
 *  a cell that is already queued) ends the warm-up and is left set for that cell. */
export function warmUp(session: Session, interruptFlag?: Int32Array): void {
  session.native.releaseLoadPages(llvmImagePaths());
  let interrupted = false;
  try {
    for (const code of WARM_CELLS) {
      const outcome = session.execute(code, 0);
      if (outcome.status === 'error' && outcome.ename === 'KeyboardInterrupt') {
        interrupted = true;
        break;
      }
    }
  } finally {
    session.reset();
    if (interrupted && interruptFlag) Atomics.store(interruptFlag, 0, 1);
  }
}
