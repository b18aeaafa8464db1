// Per-thread runtime set-up: registering the engine's thread with the Boehm collector,
// and the fault handlers (on a sigaltstack) that turn SIGSEGV/SIGBUS/SIGFPE/SIGILL in JIT
// code into Kiln errors, chaining to the previous handlers otherwise.
#include "kiln.h"

#define GC_THREADS 1
#define GC_NO_THREAD_REDIRECTS 1
#include <gc/gc.h>
#include <gc/gc_mark.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <mutex>

namespace kiln {

// ---------------------------------------------------------------- GC
// The collector is initialised by the first engine thread (often a worker_thread, not
// the primordial thread): GC_stackbottom is set to that thread's stack base first, so
// the "main" thread record describes the right stack. Other threads register with
// GC_register_my_thread. GC_set_no_dls(1): static data segments (node's, libraries',
// ours) are not scanned; every root of ours is explicit (uncollectable memory, stacks).
static std::mutex gcMu;
static bool gcInited = false;

static void* oomFn(size_t) { return nullptr; }
static void warnProc(char*, GC_word) {}

// The collector stops the other registered threads with a suspend and a restart signal.
// Debian's libgc uses SIGPWR and SIGXCPU, which JS code in the same process takes over
// without knowing: process.on(sig) installs libuv's handler over the collector's, and
// removing the last listener resets the signal to SIG_DFL (signal-exit, which
// write-file-atomic uses around every jest cache write, does both for every fatal signal it
// can name); the next collection with two registered threads then killed the process with
// SIGPWR. Realtime signals have no name in Node, so no JS listener can take them; and before
// every stop-the-world the collector's handlers are put back if native code replaced them.
static struct sigaction gcSuspendAct, gcRestartAct;

static void reinstallIfReplaced(int sig, const struct sigaction& ours) {
  struct sigaction now;
  if (sigaction(sig, nullptr, &now) == 0 && now.sa_handler != ours.sa_handler) sigaction(sig, &ours, nullptr);
}

static void onCollectionEvent(GC_EventType event) {
  if (event != GC_EVENT_PRE_STOP_WORLD) return;
  reinstallIfReplaced(GC_get_suspend_signal(), gcSuspendAct);
  reinstallIfReplaced(GC_get_thr_restart_signal(), gcRestartAct);
}

static void gcThreadInit(Session* s) {
  std::lock_guard<std::mutex> g(gcMu);
  if (!gcInited) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    GC_stackbottom = (char*)s->stackHi;  // before GC_INIT: the stack of the initialising thread
#pragma GCC diagnostic pop
    GC_set_no_dls(1);
    GC_set_oom_fn(oomFn);
    GC_set_warn_proc(warnProc);
    long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
    if (pages > 0 && psz > 0) GC_set_max_heap_size((GC_word)((double)pages * psz * 0.75));
    GC_set_suspend_signal(SIGRTMIN + 6);
    GC_set_thr_restart_signal(SIGRTMIN + 5);
    GC_INIT();
    sigaction(GC_get_suspend_signal(), nullptr, &gcSuspendAct);
    sigaction(GC_get_thr_restart_signal(), nullptr, &gcRestartAct);
    GC_set_on_collection_event(onCollectionEvent);
    GC_allow_register_threads();
    GC_expand_hp(8u << 20);  // fewer collections with small live sets (10M-array churn: 2.1 s → 0.9 s)
    gcInited = true;
    s->gcRegistered = true;
  } else if (!GC_thread_is_registered()) {
    struct GC_stack_base sb;
    sb.mem_base = (void*)s->stackHi;
    if (GC_register_my_thread(&sb) == GC_SUCCESS) s->gcRegistered = true;
  }
}

void* gcAllocUncollectable(size_t n) { return GC_MALLOC_UNCOLLECTABLE(n); }

// ---------------------------------------------------------------- faults
static struct sigaction prevAct[65];
static const int kFaultSignals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL};

static void faultHandler(int sig, siginfo_t* si, void* uc) {
  Session* s = tlsSession;
  if (s && s->inJit && s->top) {
    s->faultSig = sig;
    s->faultCode = si ? si->si_code : 0;
    s->faultAddr = si ? (uintptr_t)si->si_addr : 0;
    siglongjmp(s->top->jb, 2);
  }
  // Not ours: chain to the previous handler.
  struct sigaction* p = &prevAct[sig];
  if (p->sa_flags & SA_RESETHAND) {
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigaction(sig, &dfl, nullptr);
    struct sigaction old = *p;
    p->sa_handler = SIG_DFL;
    p->sa_flags = 0;
    if (old.sa_flags & SA_SIGINFO) old.sa_sigaction(sig, si, uc);
    else if (old.sa_handler != SIG_DFL && old.sa_handler != SIG_IGN) old.sa_handler(sig);
    return;
  }
  if (p->sa_flags & SA_SIGINFO) {
    if (p->sa_sigaction) { p->sa_sigaction(sig, si, uc); return; }
  } else if (p->sa_handler == SIG_IGN) {
    return;
  } else if (p->sa_handler != SIG_DFL && p->sa_handler) {
    p->sa_handler(sig);
    return;
  }
  // Default action: restore it; returning re-executes the faulting instruction (or the
  // signal, still pending if sent by kill, is delivered) and the process dies as usual.
  struct sigaction dfl;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  sigaction(sig, &dfl, nullptr);
  if (si && si->si_code <= 0) ::raise(sig);
}

static void installFaultHandlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    for (int sig : kFaultSignals) {
      struct sigaction sa;
      memset(&sa, 0, sizeof sa);
      sa.sa_sigaction = faultHandler;
      sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
      sigemptyset(&sa.sa_mask);
      sigaction(sig, &sa, &prevAct[sig]);
    }
  });
}

// A fault inside a C function called by an extern fn: RuntimeError naming it, whatever
// the signal (a C division by zero or stack overflow is the C code's, not Kiln's).
static void describeCFault(Session* s, const char* fn) {
  char msg[320];
  const bool fpe = s->faultSig == SIGFPE;
  const char* what = s->faultSig == SIGSEGV ? "segmentation fault"
                     : s->faultSig == SIGBUS ? "bus error"
                     : fpe && s->faultCode == FPE_INTDIV ? "integer division by zero"
                     : fpe && s->faultCode == FPE_INTOVF ? "integer overflow in division"
                     : fpe ? "arithmetic fault (SIGFPE)"
                     : s->faultSig == SIGILL ? "illegal instruction"
                                             : "fatal signal";
  if (s->faultSig == SIGSEGV || s->faultSig == SIGBUS)
    snprintf(msg, sizeof msg, "%s in C function %.200s (invalid memory access at 0x%llx)", what, fn,
             (unsigned long long)s->faultAddr);
  else
    snprintf(msg, sizeof msg, "%s in C function %.200s", what, fn);
  s->errKind = "RuntimeError";
  s->errMsg = msg;
}

void describeFault(Session* s) {
  if (s->cFunction) {
    describeCFault(s, s->cFunction);
    return;
  }
  char msg[160];
  uintptr_t a = s->faultAddr;
  bool nearStack = s->stackLo && a + (1u << 20) >= s->stackLo && a < s->stackLo + (64u << 10);
  if ((s->faultSig == SIGSEGV || s->faultSig == SIGBUS) && nearStack) {
    s->errKind = "RecursionError";
    s->errMsg = "maximum recursion depth exceeded (stack overflow)";
    return;
  }
  s->errKind = "RuntimeError";
  switch (s->faultSig) {
    case SIGSEGV:
      snprintf(msg, sizeof msg, "segmentation fault (invalid memory access at 0x%llx)", (unsigned long long)a);
      break;
    case SIGBUS: snprintf(msg, sizeof msg, "bus error (invalid memory access at 0x%llx)", (unsigned long long)a); break;
    case SIGFPE:
      if (s->faultCode == FPE_INTDIV) {
        s->errKind = "ZeroDivisionError";
        snprintf(msg, sizeof msg, "integer division or modulo by zero");
      } else if (s->faultCode == FPE_INTOVF) {
        snprintf(msg, sizeof msg, "integer overflow in division");
      } else {
        snprintf(msg, sizeof msg, "arithmetic fault (SIGFPE)");
      }
      break;
    case SIGILL: snprintf(msg, sizeof msg, "illegal instruction (unreachable code reached)"); break;
    default: snprintf(msg, sizeof msg, "fatal signal %d", s->faultSig);
  }
  s->errMsg = msg;
}

void runtimeThreadInit(Session* s) {
  pthread_attr_t attr;
  if (pthread_getattr_np(pthread_self(), &attr) == 0) {
    void* addr = nullptr;
    size_t size = 0;
    pthread_attr_getstack(&attr, &addr, &size);
    pthread_attr_destroy(&attr);
    s->stackLo = (uintptr_t)addr;
    s->stackHi = (uintptr_t)addr + size;
  }
  gcThreadInit(s);
  // An alternate signal stack for this thread, unless it has a big enough one.
  stack_t old;
  if (sigaltstack(nullptr, &old) == 0 && ((old.ss_flags & SS_DISABLE) || old.ss_size < (64u << 10))) {
    size_t size = 256u << 10;
    void* mem = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (mem != MAP_FAILED) {
      stack_t st;
      st.ss_sp = mem;
      st.ss_size = size;
      st.ss_flags = 0;
      if (sigaltstack(&st, nullptr) == 0) {
        s->altStack = mem;
        s->altStackSize = size;
      } else {
        munmap(mem, size);
      }
    }
  }
  installFaultHandlers();
}

void runtimeThreadExit(Session* s) {
  if (s->altStack) {
    stack_t st;
    memset(&st, 0, sizeof st);
    st.ss_flags = SS_DISABLE;
    sigaltstack(&st, nullptr);
    munmap(s->altStack, s->altStackSize);
    s->altStack = nullptr;
  }
  if (s->gcRegistered) {
    std::lock_guard<std::mutex> g(gcMu);
    GC_unregister_my_thread();
    s->gcRegistered = false;
  }
}

}  // namespace kiln
