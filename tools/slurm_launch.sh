#!/usr/bin/env bash
# Usage: tools/slurm_launch.sh SCRIPT PARTITION JOB_NAME [script args]
# (used by slurm_train.sh and slurm_test.sh). One task per GPU under srun; MMEngine reads the
# ranks from SLURM's variables (--launcher slurm). GPUS (default 8), GPUS_PER_NODE (8),
# CPUS_PER_TASK (5), SRUN_ARGS and PYTHON as usual.
set -euo pipefail
SCRIPT=$1
PARTITION=$2
JOB_NAME=$3
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PYTHONPATH="$ROOT:${PYTHONPATH:-}" \
srun -p "$PARTITION" --job-name="$JOB_NAME" --gres=gpu:"${GPUS_PER_NODE:-8}" \
    --ntasks="${GPUS:-8}" --ntasks-per-node="${GPUS_PER_NODE:-8}" \
    --cpus-per-task="${CPUS_PER_TASK:-5}" --kill-on-bad-exit=1 ${SRUN_ARGS:-} \
    "${PYTHON:-python}" -u "$ROOT/tools/$SCRIPT" "${@:4}" --launcher slurm
