#!/usr/bin/env bash
# Sets up what is missing, idempotently: Debian packages, npm dependencies, the native
# addon, the TypeScript build, the `kiln` kernelspec and Lab's Kiln syntax mode. Seconds when nothing is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
export npm_config_nodedir=/usr        # no internet: build native modules against Node's own headers
export DEBIAN_FRONTEND=noninteractive

say() { printf '[setup] %s\n' "$*" >&2; }

apt_packages=(
  llvm-14-dev cmake ninja-build g++   # the native addon (static LLVM 14 ORC)
  libgc-dev                           # Boehm GC, the runtime's collector
  libzmq3-dev                         # the heartbeat thread (native/src/heartbeat.c)
  libblas3 libsqlite3-0 zlib1g        # C libraries the tests and notebooks call (extern "lib" fn)
  python3-jupyter-client jupyter-client jupyter-console python3-nbconvert python3-ipykernel python3-pexpect
  chromium python3-venv               # the JupyterLab browser test (Lab itself comes from pip, below)
)
# `setup.sh --bench` (npm run bench) also brings clang-14, the benchmarks' reference C compiler.
[ "${1:-}" = "--bench" ] && apt_packages+=(clang-14)
missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if ((${#missing[@]})); then
  say "installing Debian packages: ${missing[*]}"
  sudo_cmd=(); [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "npm ci (first time: ~3 min, llvm-bindings compiles from source)"
  npm ci --no-audit --no-fund
fi

if [ ! -f native/build/build.ninja ]; then
  say "configuring the native addon"
  cmake -S native -B native/build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
ninja -C native/build >/dev/null

# JupyterLab is not a Debian package: it goes into a project-local venv from pip. Machines
# of this kind have a local package index (pip's configured extra index); PyPI itself is
# unreachable, so pip is pointed at the first configured index to avoid its retries.
if [ ! -x .venv-lab/bin/jupyter-lab ]; then
  say "installing JupyterLab into .venv-lab (pip, ~1 min)"
  /usr/bin/python3 -m venv .venv-lab
  pip_index=$(.venv-lab/bin/pip config get global.extra-index-url 2>/dev/null | awk '{print $1}' || true)
  PIP_INDEX_URL=${PIP_INDEX_URL:-${pip_index:-https://pypi.org/simple}} \
    .venv-lab/bin/pip install -q --disable-pip-version-check 'jupyterlab>=4.6,<4.7' 2>&1 | grep -v "^WARNING: Location" >&2 || true
  .venv-lab/bin/jupyter-lab --version >/dev/null || { say "JupyterLab could not be installed into .venv-lab"; exit 1; }
fi

# Kiln's syntax mode for Lab (codemirror_mode "kiln"): the prebuilt extension committed in
# labextension/kiln (built by `npm run build` in labextension/, never here), copied into
# the venv's sys-prefix labextensions folder, which every Lab started from .venv-lab reads.
lab_mode=.venv-lab/share/jupyter/labextensions/@kiln/jupyterlab-kiln
if ! diff -rq labextension/kiln "$lab_mode" >/dev/null 2>&1; then
  say "installing the Kiln syntax mode into JupyterLab"
  rm -rf "$lab_mode" && mkdir -p "$(dirname "$lab_mode")" && cp -r labextension/kiln "$lab_mode"
fi

npx tsc -p tsconfig.json

if [ -f dist/kernel/install.js ]; then
  node dist/kernel/install.js --user >/dev/null
fi
say "ready"
