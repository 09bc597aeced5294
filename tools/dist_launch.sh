#!/usr/bin/env bash
# Usage: tools/dist_launch.sh SCRIPT GPUS [script args]   (used by dist_train.sh, dist_test.sh)
# Runs GPUS processes of tools/SCRIPT with torchrun (NCCL on GPUs, gloo on a CPU-only machine);
# $PYTHON picks the interpreter (default: python). Several machines: NNODES (default 1) and, on
# each, NODE_RANK (0 .. NNODES-1) and MASTER_ADDR, the address of node 0 (required when
# NNODES > 1); PORT (default 29500) is node 0's port.
set -euo pipefail
SCRIPT=$1
GPUS=$2
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
NNODES=${NNODES:-1}
if [ "$NNODES" -gt 1 ] && [ -z "${MASTER_ADDR:-}" ]; then
    echo "$0: NNODES=$NNODES needs MASTER_ADDR, the address of node 0 that every node can" \
         "reach (and NODE_RANK on each node)" >&2
    exit 2
fi

PYTHONPATH="$ROOT:${PYTHONPATH:-}" \
"${PYTHON:-python}" -m torch.distributed.run \
    --nnodes="$NNODES" --node_rank="${NODE_RANK:-0}" \
    --master_addr="${MASTER_ADDR:-127.0.0.1}" --master_port="${PORT:-29500}" \
    --nproc_per_node="$GPUS" "$ROOT/tools/$SCRIPT" "${@:3}" --launcher pytorch
