#!/usr/bin/env bash
# The GPU acceptance run (issue "Performance"): CUDA tests, the benchmark cases with and without
# --baseline, and a short two-pass training run, every figure as one JSON line in one file.
#   bash tools/gpu_check.sh [OUT_DIR]          (default: work_dirs/gpu_check; $OUT if set)
# GPU_CHECK_DEVICE and GPU_CHECK_CONFIG (default cuda and the THUMOS14 RGB config) let the
# script's flow be tried on a CPU with a small config.
# Budget: about 8 minutes on one H100 (model builds and cuDNN autotuning included); each step
# has its own time limit so that a slow one cannot eat the others'.
set -uo pipefail
cd "$(dirname "$0")/.."
out=${1:-${OUT:-work_dirs/gpu_check}}
mkdir -p "$out"
jsonl="$out/gpu_check.jsonl"
: > "$jsonl"
rgb=${GPU_CHECK_CONFIG:-configs/gaf/gaf_i3d_1xb8-256x96x96-300e_thumos14-rgb.py}
device=${GPU_CHECK_DEVICE:-cuda}
note() { printf '%s\n' "$1" >> "$jsonl"; }

note "$(python -c 'import json, torch; print(json.dumps(dict(step="environment",
    torch=torch.__version__, cuda=torch.version.cuda,
    device=torch.cuda.get_device_name(0) if torch.cuda.is_available() else None)))')"

# 1. CUDA tests: the pooling op on the GPU against the CPU, bf16 inference against fp32, the
#    Inductor-compiled forward against eager.
timeout 240 python -m pytest -q -p no:cacheprovider tests/ops/test_boundary_max_pool.py \
    tests/models/test_mixed_precision.py tests/models/test_compile.py > "$out/cuda_tests.log" 2>&1
note "{\"step\": \"cuda_tests\", \"exit_status\": $?, \"summary\": \"$(tail -1 "$out/cuda_tests.log")\"}"

# 2. Benchmarks, each with the published-way baseline in the same process.
bench() {
    timeout 150 python tools/benchmark.py "$rgb" --device "$device" "$@" >> "$jsonl" 2>> "$out/benchmark.log" \
        || note "{\"step\": \"benchmark\", \"args\": \"$*\", \"failed\": true}"
}
bench --mode test --batch-size 32 --amp --baseline --iters 20
bench --mode test --batch-size 32 --amp --compile --iters 20
bench --mode test --batch-size 32 --amp --channels-last --iters 20
bench --mode train --batch-size 8 --amp --baseline --iters 10
bench --mode train --batch-size 8 --amp --iters 10 --cfg-options model.backbone.with_cp=True
bench --mode train --batch-size 8 --amp --channels-last --iters 10
bench --mode data --batch-size 8 --iters 20
bench --mode post

# 3. A short two-pass training and test run on the synthetic demo data (2 epochs).
demo=configs/gaf/gaf_i3d_1xb4-32x32x32-18e_synthetic-demo.py
python tools/make_synthetic_dataset.py work_dirs/demo/data > /dev/null
start=$(date +%s)
timeout 180 python tools/train.py "$demo" --work-dir "$out/train" \
    --cfg-options train_cfg.max_epochs=2 train_cfg.val_interval=2 > "$out/train.log" 2>&1
status=$?
note "{\"step\": \"train_2_epochs\", \"exit_status\": $status, \"seconds\": $(( $(date +%s) - start ))}"
echo "wrote $jsonl"
