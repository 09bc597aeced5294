#!/usr/bin/env bash
# Usage: tools/dist_launch.sh SCRIPT GPUS [script args]   (used by dist_train.sh, dist_test.sh)
# Runs GPUS processes of tools/SCRIPT with torchrun (NCCL on GPUs, gloo on a CPU-only machine);
# $PYTHON picks the interpreter (default: python); NNODES, NODE_RANK, PORT, MASTER_ADDR as usual.
set -euo pipefail
SCRIPT=$1
GPUS=$2
ROOT="$(cd "$(dirname "$0")/.." && pwd)"

PYTHONPATH="$ROOT:${PYTHONPATH:-}" \
"${PYTHON:-python}" -m torch.distributed.run \
    --nnodes="${NNODES:-1}" --node_rank="${NODE_RANK:-0}" \
    --master_addr="${MASTER_ADDR:-127.0.0.1}" --master_port="${PORT:-29500}" \
    --nproc_per_node="$GPUS" "$ROOT/tools/$SCRIPT" "${@:3}" --launcher pytorch
