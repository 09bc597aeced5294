#!/usr/bin/env bash
# Usage: tools/dist_train.sh CONFIG GPUS [train.py args]
set -euo pipefail
if [ $# -lt 2 ]; then
    echo "Usage: $0 CONFIG GPUS [tools/train.py options]" >&2
    echo "  e.g. $0 configs/gaf_thumos14_rgb.py 8 --auto-scale-lr" >&2
    exit 2
fi
exec "$(dirname "$0")/dist_launch.sh" train.py "$2" "$1" "${@:3}"
