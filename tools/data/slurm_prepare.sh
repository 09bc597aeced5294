#!/usr/bin/env bash
# Usage: [SHARDS=16] [CPUS_PER_TASK=8] [SBATCH_ARGS=...] [PYTHON=python] \
#        tools/data/slurm_prepare.sh PARTITION VIDEOS OUT_DIR [videos_to_npy.py options]
# An example of preparation on a cluster: tools/data/videos_to_npy.py as a Slurm array of SHARDS
# tasks, each converting its share of the videos (--shard auto: every SHARDS-th video by name),
# then one job after them all that runs the same command without --shard: it converts whatever
# a failed task left and writes the whole --info-csv from the tasks' parts. A task warned of its
# time limit (SIGUSR1, 120 s before) or preempted finishes its current videos, exits with status
# 75 and requeues itself; rerun, it skips the videos already converted.
set -euo pipefail
if [ $# -lt 3 ]; then
    echo "Usage: $0 PARTITION VIDEOS OUT_DIR [tools/data/videos_to_npy.py options]" >&2
    exit 2
fi
PARTITION=$1
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
SHARDS=${SHARDS:-16}
CPUS=${CPUS_PER_TASK:-8}
convert="PYTHONPATH=$(printf '%q' "$ROOT") ${PYTHON:-python} $(printf '%q ' \
    "$ROOT/tools/data/videos_to_npy.py" "${@:2}")--num-workers $CPUS"
requeue='status=$?; if [ $status -eq 75 ]; then scontrol requeue "$SLURM_JOB_ID"; fi; exit $status'
array_job=$(sbatch --parsable --partition="$PARTITION" --job-name=gaf-prepare \
    --array=0-$((SHARDS - 1)) --cpus-per-task="$CPUS" --signal=USR1@120 --requeue \
    --open-mode=append --output=gaf-prepare-%A_%a.out ${SBATCH_ARGS:-} \
    --wrap="$convert --shard auto; $requeue")
sbatch --partition="$PARTITION" --job-name=gaf-prepare-merge --dependency=afterany:"$array_job" \
    --cpus-per-task="$CPUS" --output=gaf-prepare-merge-%j.out ${SBATCH_ARGS:-} \
    --wrap="$convert"
echo "Submitted array job $array_job ($SHARDS shards) and the merge job after it"
