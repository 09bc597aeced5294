#!/usr/bin/env bash
# Usage: [MAX_RESTARTS=3] tools/dist_train.sh CONFIG GPUS [train.py args]
# MAX_RESTARTS: torchrun restarts the processes that often after a failure; they resume from the
# work dir's newest intact checkpoint (see tools/dist_launch.sh for the other variables).
set -euo pipefail
if [ $# -lt 2 ]; then
    echo "Usage: $0 CONFIG GPUS [tools/train.py options]" >&2
    echo "  e.g. $0 configs/gaf/gaf_i3d_1xb8-256x96x96-300e_thumos14-rgb.py 8 --auto-scale-lr" >&2
    exit 2
fi
exec "$(dirname "$0")/dist_launch.sh" train.py "$2" "$1" "${@:3}"
