"""What bf16 inference (``model.test_cfg.autocast_dtype``) does to a trained model's detections.

The config's test runs twice through MMEngine's Runner, as ``tools/test.py`` runs it: in
float32 and under autocast. The detections are matched (``evaluation.compare_detections``,
tIoU 0.9) and the mAPs compared, in points.
"""
import json
import tempfile
from pathlib import Path

from mmengine.model import is_model_wrapper

from ..checkpoint import load_checkpoint_exact
from ..evaluation.detection_comparison import compare_detections
from ..structures import CVAE_KEYS
from .config_loading import load_config
from .launch import build_runner


def run_test(config: str, checkpoint: str, work_dir: str, cfg_options: dict) -> tuple[dict, dict]:
    """The config's test with ``checkpoint``: its metrics and its per-video detections."""
    out_file = str(Path(work_dir) / 'detections.json')
    cfg = load_config(config, {**cfg_options, 'test_evaluator.out_file': out_file}, 'none',
                      work_dir)
    cfg.load_from = None
    # One Runner per run in this process: each needs its own experiment (logger) name.
    cfg.experiment_name = Path(work_dir).name
    runner = build_runner(cfg)
    model = runner.model.module if is_model_wrapper(runner.model) else runner.model
    load_checkpoint_exact(model, checkpoint, allow_missing=(CVAE_KEYS, ))
    metrics = runner.test()
    return metrics, json.loads(Path(out_file).read_text())['results']


def compare_precisions(config: str, checkpoint: str, cfg_options: dict | None = None,
                       dtype: str = 'bfloat16', tiou: float = 0.9,
                       work_dir: str | None = None) -> dict:
    """Test ``checkpoint`` in float32 and under ``dtype`` autocast and compare.

    Args:
        config: The model's config (its test data and evaluator).
        checkpoint: Its trained weights.
        cfg_options: Overrides of the config (data paths, ``model.test_cfg``, ...).
        dtype: The autocast dtype. Defaults to 'bfloat16'.
        tiou: Least temporal IoU of a matched pair of detections. Defaults to 0.9.
        work_dir: Where the two runs log. Defaults to None: a temporary folder.

    Returns:
        ``float32`` and ``<dtype>``: each run's mAPs (fractions, as the metric gives them);
        ``map_change_points``: ``<dtype>`` minus float32, x100, per mAP; ``max_abs_map_change_points``;
        ``detections``: the matching (see ``compare_detections``).
    """
    options = dict(cfg_options or {})
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(work_dir or tmp)
        runs = {}
        for name, autocast in (('float32', None), (dtype, dtype)):
            runs[name] = run_test(config, checkpoint, str(root / name),
                                  {**options, 'model.test_cfg.autocast_dtype': autocast})
    maps = {name: {k.split('/', 1)[-1]: v for k, v in metrics.items() if 'mAP' in k}
            for name, (metrics, _) in runs.items()}
    change = {k: 100 * (maps[dtype][k] - maps['float32'][k]) for k in maps['float32']}
    return dict(config=Path(config).name, checkpoint=checkpoint, dtype=dtype, tiou=tiou,
                float32=maps['float32'], **{dtype: maps[dtype]}, map_change_points=change,
                max_abs_map_change_points=max(map(abs, change.values())),
                detections=compare_detections(runs['float32'][1], runs[dtype][1], tiou))
