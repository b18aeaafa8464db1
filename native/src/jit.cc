// The JIT: one LLVM 14 ORC LLJIT per session (createJit), IR text in, addresses out.
#include "kiln.h"
#include "clib.h"
#include "slab.h"
#include "recursion-unroll.h"
#include "self-inline.h"

#include <dlfcn.h>
#include <link.h>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>

#include "llvm/ExecutionEngine/Orc/CompileUtils.h"
#include "llvm/ExecutionEngine/Orc/ExecutionUtils.h"
#include "llvm/ExecutionEngine/Orc/IRCompileLayer.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/ExecutionEngine/Orc/LLJIT.h"
#include "llvm/ExecutionEngine/Orc/RTDyldObjectLinkingLayer.h"
#include "llvm/ExecutionEngine/Orc/ThreadSafeModule.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/Verifier.h"
#include "llvm/IRReader/IRReader.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Host.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"

using namespace llvm;
using namespace llvm::orc;

namespace kiln {

static const char* kOptFlag = "kiln.opt";

static CodeGenOpt::Level cgLevel(int opt) {
  switch (opt) {
    case 0: return CodeGenOpt::None;
    case 1: return CodeGenOpt::Less;
    case 3: return CodeGenOpt::Aggressive;
    default: return CodeGenOpt::Default;
  }
}

// At O0 `unreachable` is not made a trap: fast instruction selection cannot select one,
// and every function with an error path (all of Kiln's) fell back to the SelectionDAG, a
// third of an O0 cell's codegen. No pass runs at O0 to make an `unreachable`; lowering's
// follow calls to the runtime's noreturn functions (which never return) or end blocks
// nothing branches to. (At 1-3 the optimizer may make some: they trap.)
static JITTargetMachineBuilder atLevel(JITTargetMachineBuilder b, int opt) {
  b.setCodeGenOptLevel(cgLevel(opt));
  if (opt == 0) b.getOptions().TrapUnreachable = false;
  return b;
}

// JIT code names the runtime's words by 32-bit absolute addresses (docs/runtime-abi.md), which
// fit in the instruction; constant hoisting would put such an address in a register for the
// whole function instead (fib(38): 69 -> 65 ms without it; the other workloads the same).
static void disableConstantHoisting() {
  auto& options = cl::getRegisteredOptions();
  auto found = options.find("disable-constant-hoisting");
  if (found != options.end()) static_cast<cl::opt<bool>*>(found->second)->setValue(true);
}

static void initLLVM() {
  static std::once_flag once;
  std::call_once(once, [] {
    disableConstantHoisting();
    InitializeNativeTarget();
    InitializeNativeTargetAsmPrinter();
    InitializeNativeTargetAsmParser();
  });
}

static JITTargetMachineBuilder hostJTMB() {
  auto jtmb = JITTargetMachineBuilder::detectHost();
  if (!jtmb) {
    consumeError(jtmb.takeError());
    return JITTargetMachineBuilder(Triple(sys::getProcessTriple()));
  }
  // `unreachable` reached at run time traps (SIGILL → Kiln error) instead of running on.
  jtmb->getOptions().TrapUnreachable = true;
  // Small code model + PIC: calls inside a module are direct and runtime data is reached
  // through the GOT. (The JIT default, the large code model, loads every callee's address
  // with movabs and calls indirectly: fib(38) took 2× as long.)
  jtmb->setCodeModel(CodeModel::Small);
  jtmb->setRelocationModel(Reloc::PIC_);
  return std::move(*jtmb);
}

// Codegen with a target machine per optimization level (the level travels as a module
// flag set by addModule), so that O0 cells get fast instruction selection.
//
// At O0 the codegen pipeline is also kept from one module to the next: building it (some
// 60 passes and their analysis usage, the assembler, the object writer) took about half
// of an O0 module's codegen, which is most of an `eval`. LLVM's passes are made to be run
// on several modules: the module-level state lives in the MachineModuleInfo, whose
// context is reset at the end of each run, and in the AsmPrinter, whose streamer and
// assembler are reset likewise (AsmPrinter::doFinalization). At 1-3 codegen time is
// dominated by the code, and a fresh pipeline is made each time as LLVM's own tools do.
class LevelCompiler : public IRCompileLayer::IRCompiler {
 public:
  LevelCompiler(JITTargetMachineBuilder jtmb, IRSymbolMapper::ManglingOptions mo)
      : IRCompiler(mo), jtmb_(std::move(jtmb)) {}
  Expected<std::unique_ptr<MemoryBuffer>> operator()(Module& M) override {
    int opt = 2;
    if (auto* md = mdconst::extract_or_null<ConstantInt>(M.getModuleFlag(kOptFlag)))
      opt = (int)md->getZExtValue();
    if (opt < 0 || opt > 3) opt = 2;
    if (!tms_[opt]) {
      auto tm = atLevel(jtmb_, opt).createTargetMachine();
      if (!tm) return tm.takeError();
      tms_[opt] = std::move(*tm);
    }
    if (opt > 0) {
      SimpleCompiler c(*tms_[opt]);
      return c(M);
    }
    if (!o0_) {
      o0_ = std::make_unique<KeptPipeline>();
      MCContext* mc = nullptr;
      if (tms_[0]->addPassesToEmitMC(o0_->pm, mc, o0_->stream)) {
        o0_.reset();
        return make_error<StringError>("the target cannot emit object code", inconvertibleErrorCode());
      }
    }
    o0_->pm.run(M);
    auto object = MemoryBuffer::getMemBufferCopy(StringRef(o0_->object.data(), o0_->object.size()),
                                                 M.getModuleIdentifier() + "-jitted-objectbuffer");
    o0_->object.clear();
    return std::move(object);
  }

 private:
  struct KeptPipeline {
    SmallVector<char, 0> object;
    raw_svector_ostream stream{object};  // unbuffered: writes go straight to `object`
    legacy::PassManager pm;
  };
  JITTargetMachineBuilder jtmb_;
  std::unique_ptr<TargetMachine> tms_[4];
  std::unique_ptr<KeptPipeline> o0_;
};

struct Jit {
  std::unique_ptr<LLJIT> lljit;
  std::unique_ptr<TargetMachine> optTM[4];   // for TargetIRAnalysis in the pass pipeline
  JITTargetMachineBuilder jtmb = JITTargetMachineBuilder(Triple());
  std::map<int64_t, ResourceTrackerSP> trackers;
  int64_t nextTracker = 1;
  std::string reported;                      // ExecutionSession error reporter text
  std::shared_ptr<JitArena> arena;           // all sections of this JIT (slab.cc)
  std::shared_ptr<LoadedLibraries> libraries = std::make_shared<LoadedLibraries>();  // clib.cc
  // The context the next modules are parsed into, and how many it has had (moduleContext).
  ThreadSafeContext context;
  int contextModules = 0;
};

// Modules share an LLVM context, a fresh one every kModulesPerContext: making and destroying a
// context for each module cost some 80,000 instructions, an eighth of compiling an `eval`'s
// one-line function at O0. A context keeps its types and constants until its last module is
// compiled or removed (ORC holds it with the module), so sharing it more widely would let a
// long session's constants pile up.
constexpr int kModulesPerContext = 256;

static ThreadSafeContext moduleContext(Jit* j) {
  if (!j->context.getContext() || j->contextModules >= kModulesPerContext) {
    j->context = ThreadSafeContext(std::make_unique<LLVMContext>());
    j->contextModules = 0;
  }
  j->contextModules++;
  return j->context;
}

// ---- process symbols: libc, libm and loaded libraries, never node's own exports ----
static uintptr_t baseOf(const void* addr) {
  Dl_info info;
  if (addr && dladdr(addr, &info) && info.dli_fbase) return (uintptr_t)info.dli_fbase;
  return 0;
}

static bool allowedProcessSymbol(const char* name) {
  if (!name || !*name) return false;
  if (strncmp(name, "kiln_", 5) == 0) return false;
  // The same scope the JIT's process generator searches: the global one (not this
  // addon's own dependencies, e.g. libgc, which RTLD_DEFAULT would also show us).
  static void* global = dlopen(nullptr, RTLD_LAZY);
  dlerror();
  void* addr = dlsym(global, name);
  if (!addr) return false;
  Dl_info info;
  const ElfW(Sym)* sym = nullptr;
  if (!dladdr1(addr, &info, (void**)&sym, RTLD_DL_SYMENT) || !info.dli_fbase) return false;
  static uintptr_t nodeBase = baseOf((const void*)&napi_create_string_utf8);
  static uintptr_t selfBase = baseOf((const void*)&allowedProcessSymbol);
  uintptr_t b = (uintptr_t)info.dli_fbase;
  if (b == nodeBase || b == selfBase) {
    // Defined (exported) there: node's own V8/uv/OpenSSL/napi symbols, refused. A
    // non-PIE node also resolves the libc functions it imports to its own PLT entries
    // ("canonical PLT"); those are not definitions of node's, and
    // calling through them reaches libc: allowed (the dynamic symbol is undefined).
    if (b == selfBase) return false;
    return sym && sym->st_shndx == SHN_UNDEF;
  }
  if (info.dli_fname) {
    // A node linked against shared libraries (Debian's libnode) exports V8/uv/OpenSSL
    // from them: refuse those too.
    const char* f = strrchr(info.dli_fname, '/');
    f = f ? f + 1 : info.dli_fname;
    static const char* banned[] = {"libnode", "libuv", "libssl", "libcrypto", "libv8",
                                   "libicu", "libnghttp", "libcares", "libbrotli", "libz.", "kiln_native"};
    for (const char* p : banned)
      if (strncmp(f, p, strlen(p)) == 0) return false;
    if (strstr(f, ".node")) return false;
  }
  return true;
}

bool hasCSymbol(Jit* j, const std::string& irName) {
  if (j && findLibrarySymbol(*j->libraries, irName)) return true;
  return irName.find('@') == std::string::npos && allowedProcessSymbol(irName.c_str());
}

std::string jitLoadLibrary(Jit* j, const std::string& name) { return loadLibrary(*j->libraries, name); }
size_t jitLibraryCount(Jit* j) { return j->libraries->list.size(); }
void jitForgetLibraries(Jit* j, size_t count) { forgetLibraries(*j->libraries, count); }

void jitDestroy(Jit* j) {
  if (!j) return;
  j->trackers.clear();
  j->lljit.reset();
  delete j;
}

std::string jitCreate(Session* s, Jit** out) {
  initLLVM();
  auto* j = new Jit();
  j->jtmb = hostJTMB();
  JITTargetMachineBuilder jtmb = j->jtmb;
  // Sections of every module come from this JIT's slabs (slab.cc): O(1) mappings per
  // session and each module within ±2 GB (small code model). Freed with the LLJIT.
  j->arena = newJitArena();
  std::shared_ptr<JitArena> arena = j->arena;
  auto built = LLJITBuilder()
                   .setJITTargetMachineBuilder(jtmb)
                   .setObjectLinkingLayerCreator(
                       [arena](ExecutionSession& es, const Triple&) -> Expected<std::unique_ptr<ObjectLayer>> {
                         auto layer = std::make_unique<RTDyldObjectLinkingLayer>(
                             es, [arena]() { return newSlabMemoryManager(arena); });
                         return std::unique_ptr<ObjectLayer>(std::move(layer));
                       })
                   .setCompileFunctionCreator(
                       [](JITTargetMachineBuilder b) -> Expected<std::unique_ptr<IRCompileLayer::IRCompiler>> {
                         auto tm = b.createTargetMachine();
                         if (!tm) return tm.takeError();
                         auto mo = irManglingOptionsFromTargetOptions((*tm)->Options);
                         return std::make_unique<LevelCompiler>(std::move(b), mo);
                       })
                   .create();
  if (!built) {
    delete j;
    return "cannot create the JIT: " + toString(built.takeError());
  }
  j->lljit = std::move(*built);
  LLJIT& L = *j->lljit;
  L.getExecutionSession().setErrorReporter([j](Error e) {
    if (!j->reported.empty()) j->reported += "\n";
    j->reported += toString(std::move(e));
  });
  JITDylib& jd = L.getMainJITDylib();
  SymbolMap rt;
  for (auto& sym : runtimeSymbols(s)) {
    JITSymbolFlags f = JITSymbolFlags::Exported;
    if (sym.isFunction) f |= JITSymbolFlags::Callable;
    rt[L.mangleAndIntern(sym.name)] = JITEvaluatedSymbol(pointerToJITTargetAddress(sym.addr), f);
  }
  if (auto err = jd.define(absoluteSymbols(std::move(rt)))) {
    std::string m = toString(std::move(err));
    jitDestroy(j);
    return "cannot define runtime symbols: " + m;
  }
  char prefix = L.getDataLayout().getGlobalPrefix();
  auto gen = DynamicLibrarySearchGenerator::GetForCurrentProcess(
      prefix, [prefix](const SymbolStringPtr& name) {
        StringRef n = *name;
        if (prefix && n.startswith(StringRef(&prefix, 1))) n = n.drop_front();
        return allowedProcessSymbol(n.str().c_str());
      });
  if (!gen) {
    std::string m = toString(gen.takeError());
    jitDestroy(j);
    return "cannot create the process symbol generator: " + m;
  }
  // Loaded libraries first (extern "lib" fn), then libc, libm and the rest of the process.
  jd.addGenerator(librariesGenerator(j->libraries));
  jd.addGenerator(std::move(*gen));
  *out = j;
  return "";
}

static TargetMachine* optTM(Jit* j, int opt) {
  if (!j->optTM[opt]) {
    auto tm = atLevel(j->jtmb, opt).createTargetMachine();
    if (!tm) { consumeError(tm.takeError()); return nullptr; }
    j->optTM[opt] = std::move(*tm);
  }
  return j->optTM[opt].get();
}

static void optimize(Module& M, TargetMachine* tm, int opt) {
  // LLVM's O0 pipeline (always-inliner, coroutine lowering) finds nothing to do in
  // Kiln's IR, and building it costs more than compiling a small cell's code.
  if (opt == 0) return;
  LoopAnalysisManager LAM;
  FunctionAnalysisManager FAM;
  CGSCCAnalysisManager CGAM;
  ModuleAnalysisManager MAM;
  PassBuilder PB(tm);
  PB.registerModuleAnalyses(MAM);
  PB.registerCGSCCAnalyses(CGAM);
  PB.registerFunctionAnalyses(FAM);
  PB.registerLoopAnalyses(LAM);
  PB.crossRegisterProxies(LAM, FAM, CGAM, MAM);
  OptimizationLevel lvl = opt == 1 ? OptimizationLevel::O1 : opt == 3 ? OptimizationLevel::O3 : OptimizationLevel::O2;
  if (opt >= 2) {
    PB.registerPipelineStartEPCallback([](ModulePassManager& MPM, OptimizationLevel) { MPM.addPass(kiln::RecursionUnrollPass()); });
    PB.registerOptimizerLastEPCallback([](ModulePassManager& MPM, OptimizationLevel) { MPM.addPass(kiln::SelfInlinePass()); });
  }
  ModulePassManager MPM = PB.buildPerModuleDefaultPipeline(lvl);
  MPM.run(M, MAM);
}

static std::string parseModule(Jit* j, const std::string& ir, LLVMContext& ctx, std::unique_ptr<Module>& M,
                               const DataLayout& dl, const Triple& triple) {
  SMDiagnostic diag;
  auto buf = MemoryBuffer::getMemBuffer(ir, "cell", false);
  M = parseIR(buf->getMemBufferRef(), diag, ctx);
  if (!M) {
    std::string msg;
    raw_string_ostream os(msg);
    os << "invalid IR: line " << diag.getLineNo() << ":" << diag.getColumnNo() << ": " << diag.getMessage();
    if (!diag.getLineContents().empty()) os << "\n  " << diag.getLineContents();
    return os.str();
  }
  M->setDataLayout(dl);
  M->setTargetTriple(triple.str());
  // Kiln code never unwinds (errors and interrupts leave by longjmp, runtime.cc): without
  // unwind tables codegen emits no CFI and the JIT registers no .eh_frame, a sixth of an
  // O0 module's codegen and linking.
  for (Function& F : *M)
    if (!F.isDeclaration()) F.addFnAttr(Attribute::NoUnwind);
  std::string verr;
  raw_string_ostream vos(verr);
  if (verifyModule(*M, &vos)) return "IR verification failed: " + vos.str();
  return "";
}

std::string jitAddModule(Jit* j, const std::string& ir, int opt, bool wantIR, int64_t* tracker,
                         std::string* irOut) {
  if (opt < 0) opt = 0;
  if (opt > 3) opt = 3;
  LLJIT& L = *j->lljit;
  ThreadSafeContext ctx = moduleContext(j);
  auto lock = ctx.getLock();
  std::unique_ptr<Module> M;
  std::string err = parseModule(j, ir, *ctx.getContext(), M, L.getDataLayout(), L.getTargetTriple());
  if (!err.empty()) return err;
  optimize(*M, optTM(j, opt), opt);
  if (wantIR) {
    raw_string_ostream os(*irOut);
    M->print(os, nullptr);
    os.flush();
  }
  M->addModuleFlag(Module::Warning, kOptFlag, (uint32_t)opt);
  auto rt = L.getMainJITDylib().createResourceTracker();
  if (auto e = L.addIRModule(rt, ThreadSafeModule(std::move(M), ctx))) {
    std::string m = toString(std::move(e));
    consumeError(rt->remove());
    return m;
  }
  int64_t id = j->nextTracker++;
  j->trackers[id] = rt;
  *tracker = id;
  return "";
}

// All the names in one lookup (one materialisation query instead of one per symbol: a
// cell of 50 functions looks up 101 symbols).
std::string jitLookup(Jit* j, const std::vector<std::string>& names, std::vector<uint64_t>* addrs) {
  j->reported.clear();
  LLJIT& L = *j->lljit;
  std::vector<SymbolStringPtr> symbols;
  SymbolLookupSet wanted;
  for (const std::string& name : names) {
    symbols.push_back(L.mangleAndIntern(name));
    wanted.add(symbols.back());
  }
  auto found = L.getExecutionSession().lookup(
      makeJITDylibSearchOrder(&L.getMainJITDylib(), JITDylibLookupFlags::MatchAllSymbols), std::move(wanted));
  if (!found) {
    std::string m = toString(found.takeError());
    if (!j->reported.empty() && j->reported != m) m += "\n" + j->reported;
    j->reported.clear();
    return m;
  }
  for (const SymbolStringPtr& symbol : symbols) addrs->push_back((*found)[symbol].getAddress());
  return "";
}

std::string jitRemove(Jit* j, int64_t tracker) {
  auto it = j->trackers.find(tracker);
  if (it == j->trackers.end()) return "unknown module tracker " + std::to_string(tracker);
  ResourceTrackerSP rt = it->second;
  j->trackers.erase(it);
  if (auto e = rt->remove()) return toString(std::move(e));
  return "";
}

std::string jitEmitAsm(Jit* j, const std::string& ir, int opt, std::string* out, bool wantIR) {
  initLLVM();
  if (opt < 0) opt = 0;
  if (opt > 3) opt = 3;
  auto tmE = atLevel(j ? j->jtmb : hostJTMB(), opt).createTargetMachine();
  if (!tmE) return toString(tmE.takeError());
  std::unique_ptr<TargetMachine> tm = std::move(*tmE);
  LLVMContext ctx;
  std::unique_ptr<Module> M;
  std::string err = parseModule(j, ir, ctx, M, tm->createDataLayout(), tm->getTargetTriple());
  if (!err.empty()) return err;
  optimize(*M, tm.get(), opt);
  if (wantIR) {
    raw_string_ostream os(*out);
    M->print(os, nullptr);
    os.flush();
    return "";
  }
  SmallString<4096> buf;
  raw_svector_ostream os(buf);
  legacy::PassManager pm;
  if (tm->addPassesToEmitFile(pm, os, nullptr, CGFT_AssemblyFile)) return "the target cannot emit assembly";
  pm.run(*M);
  out->assign(buf.data(), buf.size());
  return "";
}

}  // namespace kiln
