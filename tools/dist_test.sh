#!/usr/bin/env bash
# Usage: tools/dist_test.sh CONFIG CHECKPOINT GPUS [test.py args]
set -euo pipefail
if [ $# -lt 3 ]; then
    echo "Usage: $0 CONFIG CHECKPOINT GPUS [tools/test.py options]" >&2
    echo "  e.g. $0 configs/gaf/gaf_i3d_1xb8-256x96x96-300e_thumos14-rgb.py work_dirs/EXPERIMENT/best_detection_mAP_avg_epoch_N.pth 8" >&2
    exit 2
fi
exec "$(dirname "$0")/dist_launch.sh" test.py "$3" "$1" "$2" "${@:4}"
