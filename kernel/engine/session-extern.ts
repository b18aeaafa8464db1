// Binding a cell's extern fns before it is lowered (LANGUAGE.md "C libraries"): loading
// the libraries they name and checking that every C symbol can be found.
import type { CheckedCell, ExternDecl, FnSig } from './ast';
import { CompileError } from './errors';
import { externSymbol } from './lower-extern';
import type { NativeAddon } from './native-api';

function declarationOf(checked: CheckedCell, sig: FnSig): ExternDecl | undefined {
  return checked.cell.items.find((i): i is ExternDecl => i.kind === 'extern' && i.sig === sig);
}

/** Loads the libraries of the cell's externs (in order) and checks their symbols; throws an
 *  ImportError or a NameError (the caller forgets the libraries loaded on failure). */
export function bindExterns(native: NativeAddon, checked: CheckedCell): void {
  for (const sig of checked.externs) {
    const decl = declarationOf(checked, sig);
    const nameSpan = decl?.nameSpan ?? { line: sig.line, col: 1, endLine: sig.line, endCol: 2 };
    if (sig.library === '') {
      // dlopen("") would be the process itself: node's own symbols, which extern fn refuses.
      throw new CompileError('ImportError', 'cannot load "": give a library\'s file name (e.g. "libz.so.1") or path', decl?.librarySpan ?? nameSpan);
    }
    if (sig.library !== undefined) {
      try {
        native.loadLibrary(sig.library);
      } catch (err) {
        throw new CompileError('ImportError', `cannot load ${sig.library}: ${(err as Error).message}`, decl?.librarySpan ?? nameSpan);
      }
    }
    if (!native.hasCSymbol(externSymbol(sig))) {
      const where = sig.library === undefined ? '' : ` in ${sig.library}`;
      throw new CompileError('NameError', `unknown C symbol \`${sig.cName ?? sig.name}\`${where}`, nameSpan);
    }
  }
}
