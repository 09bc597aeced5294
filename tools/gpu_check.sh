#!/usr/bin/env bash
# The GPU acceptance run (docs/performance.md): the CUDA tests, every benchmark case against the
# published way (channels-last and bf16 inference among them, and a video through the video
# API), a short two-pass training run with --amp, its test in fp32 (channels-last and the
# default layout), bf16 and compiled, bf16 against fp32 detections, and a deterministic run.
# Every figure is one JSON line of OUT_DIR/gpu_check.jsonl, written as soon as it is measured;
# every step's output goes to OUT_DIR/gpu_check.log. Nothing else is written there
# (checkpoints, data and the video go to a temporary folder).
#   bash tools/gpu_check.sh OUT_DIR            on a CUDA machine (limits sum to 9 minutes)
#   bash tools/gpu_check.sh --smoke OUT_DIR    the same steps on the CPU at tiny sizes (minutes)
# It puts the checkout first on the import path: on the offline GPU box the wheels sit in a
# folder on PYTHONPATH and the package is not installed. Each step has its own time limit, so
# that a slow step cannot eat the others'; a step that fails or runs out of time is noted and
# the next one runs.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PYTHONPATH="$root${PYTHONPATH:+:$PYTHONPATH}" PYTHONUNBUFFERED=1

smoke=0
if [ "${1:-}" = "--smoke" ]; then
    smoke=1
    shift
fi
out=${1:-${OUT:-work_dirs/gpu_check}}
mkdir -p "$out"
jsonl="$out/gpu_check.jsonl"
log="$out/gpu_check.log"
: > "$jsonl"
: > "$log"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

demo=configs/gaf/gaf_i3d_1xb4-64x32x32-18e_synthetic-demo.py
if [ "$smoke" = 1 ]; then
    device=cpu
    rgb=tests/data/configs/gaf_tiny.py
    amp=()                                  # bf16 training is MMEngine's AmpOptimWrapper: CUDA
    test_batch=2; train_batch=2; iters=(--iters 1 --warmup 1); videos=(--videos 3)
    compile=(--compile --compile-backend eager)
    compiled_test="model.test_cfg.compile.backend=eager"
    epochs=1; demo_videos=(--num-train 3 --num-test 2)
    # name:limit in seconds
    video_minutes=0.2
    limits=(env:60 cuda_tests:120 bench_test:90 bench_channels_last:90 bench_compile:90
            bench_train:120 bench_train_cvae:90 bench_post:90 bench_data:60 bench_video:120
            demo_data:60 train:180 test:300 precision:180 deterministic:180)
else
    device=cuda
    rgb=configs/gaf/gaf_i3d_1xb8-256x96x96-300e_thumos14-rgb.py
    amp=(--amp)
    test_batch=32; train_batch=8; iters=(--iters 10); videos=()
    compile=(--compile)
    compiled_test="model.test_cfg.compile=True"
    epochs=2; demo_videos=()
    video_minutes=2
    limits=(env:10 cuda_tests:80 bench_test:40 bench_channels_last:25 bench_compile:50
            bench_train:45 bench_train_cvae:15 bench_post:25 bench_data:10 bench_video:35
            demo_data:10 train:50 test:90 precision:40 deterministic:20)
fi
limit_of() {
    local entry
    for entry in "${limits[@]}"; do
        [ "${entry%%:*}" = "$1" ] && echo "${entry#*:}" && return
    done
}
note() { printf '%s\n' "$1" >> "$jsonl"; }

# step NAME COMMAND...: runs COMMAND under NAME's time limit; its JSON lines go to the jsonl as
# they come, everything else to the log; then one line with the step's exit status and seconds.
step() {
    local name=$1 limit status start
    shift
    limit=$(limit_of "$name")
    start=$(date +%s)
    printf '=== %s (limit %ss): %s\n' "$name" "$limit" "$*" >> "$log"
    timeout "$limit" "$@" 2>&1 | while IFS= read -r line; do
        case $line in
            '{'*) printf '%s\n' "$line" >> "$jsonl" ;;
            *) printf '%s\n' "$line" >> "$log" ;;
        esac
    done
    status=${PIPESTATUS[0]}
    note "{\"step\": \"$name\", \"exit_status\": $status, \"limit\": $limit,\
 \"seconds\": $(( $(date +%s) - start ))}"
}
bench=(python tools/benchmark.py "$rgb" --device "$device")

step env python -c 'import json, torch, gaf_mmaction
print(json.dumps(dict(step="environment", torch=torch.__version__, cuda=torch.version.cuda,
    device=torch.cuda.get_device_name(0) if torch.cuda.is_available() else "cpu",
    gaf_mmaction=gaf_mmaction.__file__)))'

# The pooling op on the GPU against the CPU, bf16, channels-last and Inductor-compiled inference
# against fp32 eager, the asynchronous batch copy and the training step's host synchronisations.
step cuda_tests python -m pytest -q -p no:cacheprovider -k cuda -s \
    tests/ops/test_boundary_max_pool.py tests/models/test_mixed_precision.py \
    tests/models/test_channels_last.py tests/models/test_compile.py tests/engine/test_cuda_step.py

# Inference (no NMS) and the training step as the loop runs it, each against the published way.
step bench_test "${bench[@]}" --mode test --batch-size "$test_batch" --amp --baseline \
    "${iters[@]}"
step bench_channels_last "${bench[@]}" --mode test --batch-size "$test_batch" --channels-last \
    --baseline "${iters[@]}"
step bench_compile "${bench[@]}" --mode test --batch-size "$test_batch" --amp "${compile[@]}" \
    "${iters[@]}"
step bench_train "${bench[@]}" --mode train --batch-size "$train_batch" "${amp[@]}" --baseline \
    --sync-debug "${iters[@]}"
step bench_train_cvae "${bench[@]}" --mode train --pass cvae --batch-size "$train_batch" \
    "${amp[@]}" --sync-debug "${iters[@]}"
# Decoding, merging and soft-NMS of the THUMOS14 test set's windows on the device.
step bench_post "${bench[@]}" --mode post "${videos[@]}"
step bench_data "${bench[@]}" --mode data --batch-size "$train_batch" "${iters[@]}" --videos 2
# A generated video through the video API, PyTorch's default way (the GPU's) against the
# published loop.
step bench_video "${bench[@]}" --mode video --batch-size "$test_batch" \
    --video-minutes "$video_minutes" --video-dir "$scratch/video" --runtime pytorch

# Two-pass training through the runner's loop (both passes, the splice pass, --amp), then its
# test in fp32 eager (channels-last, the default, and the default layout), bf16 and compiled;
# their mAPs compared; then bf16's detections against fp32's (matched at tIoU 0.9).
data="$scratch/data"
step demo_data python tools/make_synthetic_dataset.py "$data" "${demo_videos[@]}"
paths=()
for split in train val test; do
    paths+=("${split}_dataloader.dataset.data_root=$data")
done
paths+=("val_evaluator.gt_file=$data/gt.json" "test_evaluator.gt_file=$data/gt.json")
step train python tools/train.py "$demo" --work-dir "$scratch/train" "${amp[@]}" \
    --cfg-options "train_cfg.max_epochs=$epochs" "train_cfg.val_interval=$epochs" \
    "${paths[@]}"
checkpoint="$scratch/train/epoch_$epochs.pth"
step test python - "$demo" "$checkpoint" "$scratch" "$data/gt.json" "$compiled_test" \
    "${paths[@]}" <<'PY'
import json, subprocess, sys
from gaf_mmaction.evaluation import THUMOS14_TIOUS, detection_map, load_ground_truth
demo, checkpoint, scratch, gt_file, compiled, *paths = sys.argv[1:]
gt = load_ground_truth(gt_file, 'test')
result = dict(step='test_modes')
for mode, options in (('fp32', []), ('default_layout', ['model.test_cfg.channels_last=False']),
                      ('bf16', ['model.test_cfg.autocast_dtype=bfloat16']),
                      ('compiled', [compiled])):
    subprocess.run([sys.executable, 'tools/test.py', demo, checkpoint, '--work-dir',
                    f'{scratch}/test_{mode}', '--out', f'{scratch}/{mode}.json',
                    '--cfg-options', *paths, *options], check=True)
    with open(f'{scratch}/{mode}.json') as f:
        mean_ap, _ = detection_map(gt, json.load(f)['results'], THUMOS14_TIOUS)
    result[f'{mode}_mAP'] = [round(float(v), 6) for v in mean_ap]
for mode in ('default_layout', 'bf16', 'compiled'):
    result[f'{mode}_max_mAP_gap'] = max(abs(a - b) for a, b in
                                        zip(result[f'{mode}_mAP'], result['fp32_mAP']))
print(json.dumps(result))
PY
step precision python tools/analysis/compare_precision.py "$demo" "$checkpoint" \
    --cfg-options "${paths[@]}"
# Deterministic training (cuDNN, cuBLAS and every op), one short epoch.
step deterministic python tools/train.py "$demo" --work-dir "$scratch/deterministic" \
    --deterministic --no-validate --cfg-options train_cfg.max_epochs=1 \
    train_dataloader.dataset.clip_stride=32 "${paths[@]}"
echo "wrote $jsonl and $log"
