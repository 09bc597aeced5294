#!/usr/bin/env bash
# Usage: [GPUS=8] [GPUS_PER_NODE=8] [CPUS_PER_TASK=5] [SIGNAL_SECONDS=300] [OUTPUT=slurm-%j.out] \
#        [SBATCH_ARGS=...] [SRUN_ARGS=...] \
#        tools/slurm_train.sh PARTITION JOB_NAME CONFIG [train.py args, e.g. --work-dir DIR]
# Submits a batch job (its log: OUTPUT, appended to across requeues) that trains with one task
# per GPU (tools/slurm_launch.sh). SIGNAL_SECONDS before the job's time limit Slurm sends the
# tasks SIGUSR1: training stops after its current step, writes a checkpoint and exits with
# status 75, and the job requeues itself. A requeued job (after that, or after a preemption)
# resumes from the work dir's newest intact checkpoint.
set -euo pipefail
if [ $# -lt 3 ]; then
    echo "Usage: $0 PARTITION JOB_NAME CONFIG [tools/train.py options]" >&2
    exit 2
fi
if [ -z "${GAF_ROOT:-}" ]; then
    # Submit this script as the job; sbatch runs a copy of it, so the repository's place
    # travels in GAF_ROOT.
    ROOT="$(cd "$(dirname "$0")/.." && pwd)"
    exec sbatch --partition="$1" --job-name="$2" --ntasks="${GPUS:-8}" \
        --ntasks-per-node="${GPUS_PER_NODE:-8}" --gres=gpu:"${GPUS_PER_NODE:-8}" \
        --cpus-per-task="${CPUS_PER_TASK:-5}" \
        --signal=USR1@"${SIGNAL_SECONDS:-300}" --requeue \
        --open-mode=append --output="${OUTPUT:-slurm-%j.out}" \
        --export=ALL,GAF_ROOT="$ROOT" ${SBATCH_ARGS:-} "$0" "$@"
fi

# In the job. A --time-budget counts from its start; SIGTERM (a preemption, scancel) reaches the
# tasks too, which checkpoint and stop: this shell waits for them.
export GAF_START_TIME="${GAF_START_TIME:-$(date +%s)}"
trap 'echo "slurm_train.sh: SIGTERM: waiting for training to write its checkpoint"' TERM
status=0
"$GAF_ROOT/tools/slurm_launch.sh" train.py "$@" || status=$?
if [ "$status" -eq 75 ]; then
    echo "slurm_train.sh: training stopped before the end (status 75): requeueing job $SLURM_JOB_ID"
    scontrol requeue "$SLURM_JOB_ID" ||
        echo "slurm_train.sh: could not requeue job $SLURM_JOB_ID; resubmit the same command" >&2
fi
exit "$status"
