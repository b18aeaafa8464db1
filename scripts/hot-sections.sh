#!/usr/bin/env bash
# Writes native/hot-sections.txt: the addon's functions that a session executes (the
# start-up warm-up and the cells of bench/hot-path.ts, recorded by callgrind), one input
# section name per line, for gold's --section-ordering-file (native/CMakeLists.txt). The
# linker then places them side by side, and the kernel keeps fewer of the addon's code
# pages resident (docs/decisions.md, "Kernel weight"). Run it again after changing LLVM's
# version or the engine's usual paths; the list only orders code, so a stale one costs
# memory, never correctness. Needs valgrind (in the base image) and the build (npm run build).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || apt-get install -y valgrind
cmake -S native -B native/build -G Ninja -DCMAKE_BUILD_TYPE=Release -DKILN_STRIP=OFF >/dev/null
ninja -C native/build >/dev/null
trap 'cmake -S native -B native/build -DKILN_STRIP=ON >/dev/null && ninja -C native/build >/dev/null' EXIT
out=$(mktemp)
valgrind --tool=callgrind --demangle=no --smc-check=all-non-file --callgrind-out-file="$out" \
  node dist/bench/hot-path.js 2>/dev/null
# callgrind names each function once, as "fn=(id) name" or "cfn=(id) name", under its
# object ("ob=(id) path"); keep the functions run in the addon.
python3 - "$out" > native/hot-sections.txt <<'PY'
import re, sys
objects, names, hot, current = {}, {}, set(), ''
for line in open(sys.argv[1]):
    m = re.match(r'^(c?ob)=\((\d+)\)(?: (.*))?$', line.rstrip('\n'))
    if m:
        if m.group(3): objects[m.group(2)] = m.group(3)
        if m.group(1) == 'ob': current = objects[m.group(2)]
        continue
    m = re.match(r'^(c?fn)=\((\d+)\)(?: (.*))?$', line.rstrip('\n'))
    if m:
        if m.group(3): names[m.group(2)] = m.group(3)
        if m.group(1) == 'fn' and current.endswith('kiln_native.node'): hot.add(names[m.group(2)])
# Static constructors all sit in sections named .text.startup: they run at load, together.
print('.text.startup')
for name in sorted(n for n in hot if not n.startswith(('0x', '_GLOBAL__sub_I_'))):
    print('.text.' + name)
    # A complete-object constructor or destructor (C1, D1) is an alias of the base-object
    # one (C2, D2), whose name the section bears.
    base = re.sub(r'([CD])1E', r'\g<1>2E', name)
    if base != name:
        print('.text.' + base)
PY
rm -f "$out"
echo "native/hot-sections.txt: $(wc -l < native/hot-sections.txt) sections"
