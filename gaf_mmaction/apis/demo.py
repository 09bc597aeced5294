"""The laptop demo: synthetic data, training, testing, mAP and pictures, all on CPU."""
import json
import shutil
from pathlib import Path

from mmengine.config import Config

from ..datasets.annotation_files import read_video_info
from ..datasets.synthetic import CLASSES, SETTINGS_FILE, make_synthetic_dataset, read_settings
from ..evaluation import THUMOS14_AVERAGE_TIOUS, THUMOS14_TIOUS, detection_map, load_ground_truth
from ..evaluation.detection_map import map_table
from ..tooling.launch import build_runner
from ..utils import UserError
from ..visualization import plot_class_ap, plot_video_timeline

DEMO_CONFIG = (Path(__file__).resolve().parents[2] / 'configs' / 'gaf'
               / 'gaf_i3d_1xb4-64x32x32-18e_synthetic-demo.py')


def demo_config(work_dir: Path, config: str | Path = DEMO_CONFIG,
                cfg_options: dict | None = None) -> Config:
    """The demo config with its data and outputs under ``work_dir``."""
    cfg = Config.fromfile(config)
    data = str(work_dir / 'data')
    cfg.merge_from_dict({'train_dataloader.dataset.data_root': data,
                         'val_dataloader.dataset.data_root': data,
                         'test_dataloader.dataset.data_root': data,
                         'val_evaluator.gt_file': f'{data}/gt.json',
                         'test_evaluator.gt_file': f'{data}/gt.json',
                         'test_evaluator.out_file': str(work_dir / 'detections.json'),
                         **(cfg_options or {})})
    cfg.work_dir = str(work_dir)
    cfg.launcher = 'none'
    return cfg


def prepare_demo_data(data_dir: Path, seed: int) -> None:
    """Make sure ``data_dir`` holds the synthetic dataset of ``seed``.

    A folder the generator made with another seed (its ``synthetic_dataset.json``
    says so) is deleted and generated again, so that one work dir never mixes
    the data of one seed with the results of another; one of the same seed is
    kept as it is.

    Raises:
        UserError: ``data_dir`` holds files but no record of the generator
            (not made by it, or made before the record existed, or cut off).
    """
    settings = read_settings(data_dir)
    if settings is not None and settings['seed'] == seed:
        return
    if settings is not None:
        print(f'{data_dir} holds the synthetic data of seed {settings["seed"]}: deleting it and '
              f'generating seed {seed}')
        shutil.rmtree(data_dir)
    elif data_dir.is_dir() and any(data_dir.iterdir()):
        raise UserError(
            f'{data_dir} holds files but no {SETTINGS_FILE}, so which seed made them is '
            'unknown (an older demo, an interrupted generation or other data): delete the '
            'folder or choose another --work-dir')
    make_synthetic_dataset(data_dir, seed=seed)


def run_demo(work_dir: str | Path, seed: int = 0, config: str | Path = DEMO_CONFIG,
             cfg_options: dict | None = None,
             weight_perturbation: int | None = None) -> dict[str, float]:
    """Generate the data (unless ``work_dir`` has this seed's), train, test, and write
    metrics and pictures.

    Outputs in ``work_dir``: ``data/`` (:func:`prepare_demo_data`),
    ``detections.json``, ``demo_metrics.json`` (``mAP@t`` and ``mAP_avg``,
    fractions), ``timeline_<video>.png`` per test video and ``class_ap.png``.

    Args:
        work_dir: Where everything goes.
        seed: Seed of the synthetic data (training is seeded by the config).
        config: The demo config.
        cfg_options: Overrides of config keys.
        weight_perturbation: Seed of a 1e-6 relative change of the initial
            weights (:class:`~gaf_mmaction.engine.WeightPerturbationHook`),
            which stands for another CPU's rounding; None trains the weights
            as initialised.
    """
    work_dir = Path(work_dir).resolve()
    prepare_demo_data(work_dir / 'data', seed)
    cfg = demo_config(work_dir, config, cfg_options)
    if weight_perturbation is not None:
        cfg.custom_hooks = [*cfg.get('custom_hooks', []),
                            dict(type='WeightPerturbationHook', seed=weight_perturbation)]
    runner = build_runner(cfg)
    runner.train()
    runner.test()

    results = json.loads((work_dir / 'detections.json').read_text())['results']
    ground_truth = load_ground_truth(str(work_dir / 'data' / 'gt.json'), 'test')
    mean_ap, per_class = detection_map(ground_truth, results, THUMOS14_TIOUS)
    metrics, table = map_table(THUMOS14_TIOUS, mean_ap, THUMOS14_AVERAGE_TIOUS)
    (work_dir / 'demo_metrics.json').write_text(json.dumps(metrics, indent=2))
    classes = [name for _, name in CLASSES]
    infos = read_video_info(str(work_dir / 'data' / 'test_video_info.csv'))
    for video, actions in ground_truth.items():
        info = infos[video]
        plot_video_timeline(video, actions, results.get(video, []), classes,
                            work_dir / f'timeline_{video}.png',
                            duration=info.sample_count / info.sample_fps)
    plot_class_ap(per_class, THUMOS14_TIOUS, work_dir / 'class_ap.png')
    print(f'\nDetection mAP (%) on the synthetic test split:\n{table}\n'
          f'Outputs in {work_dir}: demo_metrics.json, detections.json, class_ap.png, '
          f'timeline_<video>.png ({len(ground_truth)} test videos), checkpoints and logs.')
    return metrics
