#!/usr/bin/env bash
# The main job: execute the tour notebook with the installed `kiln` kernel (nbconvert, in
# batch), write the executed copy to notebooks/out/, and print it as text.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p notebooks/out
/usr/bin/python3 -m nbconvert --to notebook --execute --ExecutePreprocessor.kernel_name=kiln \
  --ExecutePreprocessor.timeout=600 --output-dir notebooks/out notebooks/tour.ipynb
/usr/bin/python3 -m nbconvert --to markdown --stdout notebooks/out/tour.ipynb 2>/dev/null
cat <<'MSG'

The executed tour is in notebooks/out/tour.ipynb.
Use Kiln interactively:  jupyter console --kernel kiln   (or choose "Kiln" in JupyterLab)
MSG
