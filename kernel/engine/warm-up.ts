// The warm-up of a fresh engine, run by the kernel's engine worker once the engine has
// loaded, while it has no request to serve. The kernel sends kernel_info_reply once it is
// done (the worker's `warm` message; kernel.ts kernelInfo), so a client that waits for the
// reply, as Jupyter's do, finds the first cell as quick as the next ones.
//
// A first cell would otherwise pay for what only happens once in a process: V8 compiling
// the lexer, parser, checker and lowering; LLVM building its target machine and pass
// pipelines and faulting in the code of its optimiser and code generator. The warm-up
// compiles and runs cells that take those paths; nothing is defined, nothing printed, and
// the execution count is the kernel's and never sees it.
//
// Before that, the pages the two LLVM images (llvm-bindings' and the addon's) touched only
// while loading are handed back (native-api.ts releaseLoadPages); what building IR and
// compiling need comes back during the warm-up. (The addon's code that a session runs is
// packed together by the linker, native/hot-sections.txt: what comes back is mostly that.)
//
// Its last step hands back the pages of node's own image that only starting the process
// and the warm-up touched (bootstrap, the startup snapshot, one-time set-up): about 27 MiB,
// of which cells of every usual kind fault back about 2 (measured: docs/decisions.md,
// Kernel weight).
//
// The worker runs one step per turn of its event loop, so that a request that arrives
// meanwhile goes first (a cell queued behind the whole warm-up would wait longer than it
// takes to pay for its own path). The warm-up cells define nothing, so a step may run
// before or after the user's first cells alike: the session is left as it was.
import { setInterruptWord } from './interrupt-word';
import { INTERRUPT_REQUESTED } from './runtime-abi';
import type { Session } from './session';
import { llvmImagePaths, nodeImagePath } from './native';

/** Hands back the LLVM images' load-time pages. Harmless at any idle moment: pages used
 *  again fault back in. */
export function releaseLoadPages(session: Session): void {
  session.native.releaseLoadPages(llvmImagePaths());
}

/** The warm-up cells, one step each, then node's start-up pages handed back. Both cells are
 *  expressions that define nothing: a call of an anonymous function (compiled at the
 *  session's level, %opt 2 by default: the optimiser, the code generator, the checker and
 *  lowering of functions) and straight-line code (compiled at %opt 0). An interrupt that arrives during a step (meant for a cell already
 *  queued) ends that step and stays set for that cell. */
export function warmUpSteps(session: Session, interruptFlag?: Int32Array): (() => void)[] {
  const run = (code: string): void => {
    const outcome = session.execute(code, 0);
    if (outcome.status === 'error' && outcome.ename === 'KeyboardInterrupt' && interruptFlag) setInterruptWord(interruptFlag, INTERRUPT_REQUESTED);
  };
  return [
    () => run('map([1], fn(x: int) -> int { return x + 1 })'),
    () => run('1 + 1'),
    () => session.native.releaseLoadPages([nodeImagePath()]),
  ];
}
