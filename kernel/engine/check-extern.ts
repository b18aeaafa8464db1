// The checker's rules for `extern fn` signatures (LANGUAGE.md "C libraries"): which Kiln
// types cross to C, and the C types `i32 u32 u64 f32` that may appear only there.
import { C_TYPES, CType, ExternDecl, FLOAT, FnSig, INT, Type, TypeExpr, typeName, VOID } from './ast';
import { typeErr } from './check-util';

/** The Kiln type a C type converts to and from. */
const C_TYPE_VALUES: Record<CType, Type> = { i32: INT, u32: INT, u64: INT, f32: FLOAT };

export function isCType(name: string): name is CType {
  return (C_TYPES as readonly string[]).includes(name);
}

/** The error for a C type written outside an extern signature. */
export function cTypeOutsideExtern(name: CType, where: TypeExpr): never {
  const kiln = typeName(C_TYPE_VALUES[name]);
  typeErr(`the C type \`${name}\` can only appear in an \`extern fn\` signature; use \`${kiln}\` here`, where.span);
}

const PARAM_TYPES = '`int`, `float`, `bool`, `str`, `ptr`, `[int]`, `[float]`, `[ptr]` or a C type (`i32`, `u32`, `u64`, `f32`)';
const RETURN_TYPES = '`int`, `float`, `bool`, `str`, `ptr`, a C type (`i32`, `u32`, `u64`, `f32`) or nothing';

function passable(t: Type): boolean {
  if (t.kind === 'array') return t.elem.kind === 'int' || t.elem.kind === 'float' || t.elem.kind === 'ptr';
  return ['int', 'float', 'bool', 'str', 'ptr'].includes(t.kind);
}

/** A C type (or undefined for a Kiln type) as written at `t`. */
function cTypeAt(t: TypeExpr | undefined): CType | undefined {
  return t && t.kind === 'named' && isCType(t.name) ? t.name : undefined;
}

export interface ExternSignature {
  params: { name: string; type: Type }[];
  ret: Type;
  cParams: (CType | undefined)[];
  cRet?: CType;
}

/** Resolves an extern's signature: C types become their Kiln type (noted in cParams/cRet). */
export function checkExternSignature(d: ExternDecl, resolve: (t: TypeExpr, allowVoid?: boolean) => Type): ExternSignature {
  const cParams = d.params.map((p) => cTypeAt(p.type));
  const params = d.params.map((p, i) => {
    const c = cParams[i];
    const type = c ? C_TYPE_VALUES[c] : resolve(p.type);
    if (!passable(type)) {
      typeErr(`an \`extern fn\` parameter must be ${PARAM_TYPES}, found \`${typeName(type)}\``, p.type.span);
    }
    return { name: p.name, type };
  });
  const cRet = cTypeAt(d.ret);
  const retType = cRet ? C_TYPE_VALUES[cRet] : d.ret ? resolve(d.ret, true) : VOID;
  if (!cRet && !['int', 'float', 'bool', 'str', 'ptr', 'void'].includes(retType.kind)) {
    typeErr(`an \`extern fn\` must return ${RETURN_TYPES}, found \`${typeName(retType)}\``, d.ret!.span);
  }
  const out: ExternSignature = { params, ret: retType, cParams };
  if (cRet) out.cRet = cRet;
  return out;
}

/** The C-level types of an extern, e.g. `(i32) -> i32`. */
function cSignature(sig: FnSig): string {
  const params = sig.params.map((p, i) => sig.cParams?.[i] ?? typeName(p.type));
  return `(${params.join(', ')}) -> ${sig.cRet ?? typeName(sig.ret)}`;
}

/** One cell is one module: a C symbol it binds twice must have one C signature. */
export function checkExternSymbols(decls: ExternDecl[]): void {
  const seen = new Map<string, FnSig>();
  for (const d of decls) {
    const sig = d.sig!;
    const key = `${sig.cName}@${sig.library ?? ''}`;
    const first = seen.get(key);
    if (!first) seen.set(key, sig);
    else if (cSignature(first) !== cSignature(sig)) {
      typeErr(`\`${sig.name}\` binds C symbol \`${sig.cName}\` as \`${first.name}\` does in this cell, with other types: ${cSignature(sig)} vs ${cSignature(first)}`, d.nameSpan);
    }
  }
}
