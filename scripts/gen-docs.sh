#!/bin/sh
# Rewrites the generated option lists of docs/portauth.1 and README.md from the option table
# (config/option_rows.cpp), after an option was added or changed. The unit test
# DocsSync.* fails until this has been run.
#   scripts/gen-docs.sh [BUILD_DIR]      (default: build)
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
cmake --build "$build" --target portauth-docs >/dev/null
"$build/portauth-docs" --update docs/portauth.1 README.md
