#!/usr/bin/env bash
# Run by Snakemake inside the freshly created conda environment (--sdm conda): install this
# repository's inforelay package, editable, without touching the conda-provided dependencies.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python -m pip install --no-deps --no-build-isolation -e "$repo"
