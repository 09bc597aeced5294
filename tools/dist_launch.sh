#!/usr/bin/env bash
# Usage: tools/dist_launch.sh SCRIPT GPUS [script args]   (used by dist_train.sh, dist_test.sh)
# Runs GPUS processes of tools/SCRIPT with torchrun (NCCL on GPUs, gloo on a CPU-only machine);
# $PYTHON picks the interpreter (default: python). Several machines: NNODES (default 1) and, on
# each, NODE_RANK (0 .. NNODES-1) and MASTER_ADDR, the address of node 0 (required when
# NNODES > 1); PORT (default 29500) is node 0's port.
# MAX_RESTARTS (default 0): how often torchrun restarts the processes after one fails; a
# restarted training resumes from the work dir's newest intact checkpoint. torchrun passes
# SIGTERM, SIGINT, SIGHUP, SIGQUIT and SIGUSR1 on to the processes and gives them
# SHUTDOWN_TIMEOUT seconds (default 60) to finish their step and write a checkpoint (also
# how long the others may take to stop when one process fails).
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
# A --time-budget counts from here, for the restarted processes too.
export GAF_START_TIME="${GAF_START_TIME:-$(date +%s)}"

PYTHONPATH="$ROOT:${PYTHONPATH:-}" \
"${PYTHON:-python}" -m torch.distributed.run \
    --nnodes="$NNODES" --node_rank="${NODE_RANK:-0}" \
    --master_addr="${MASTER_ADDR:-127.0.0.1}" --master_port="${PORT:-29500}" \
    --max-restarts="${MAX_RESTARTS:-0}" --signals-to-handle=SIGTERM,SIGINT,SIGHUP,SIGQUIT,SIGUSR1 \
    --shutdown-timeout="${SHUTDOWN_TIMEOUT:-60}" \
    --nproc_per_node="$GPUS" "$ROOT/tools/$SCRIPT" "${@:3}" --launcher pytorch
