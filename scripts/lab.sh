#!/usr/bin/env bash
# `npm run lab`: JupyterLab (the project's .venv-lab, made by set-up) on notebooks/, with the
# `kiln` kernelspec set-up installed for this user. Listens on 127.0.0.1; Lab prints the URL
# with its token. KILN_LAB_PORT picks the port (default 8888, or the next free one).
set -euo pipefail
cd "$(dirname "$0")/.."
port="${KILN_LAB_PORT:-8888}"
echo "Starting JupyterLab on notebooks/ with the Kiln kernel; open the http://127.0.0.1:... URL printed below." >&2
extra=()
[ "$(id -u)" -eq 0 ] && extra+=(--allow-root)
exec .venv-lab/bin/jupyter-lab --no-browser --ServerApp.ip=127.0.0.1 --ServerApp.port="$port" \
  --ServerApp.root_dir="$PWD/notebooks" --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate \
  --LabApp.news_url=None "${extra[@]}" "$@"
