"""The main job: GAF end to end on a synthetic dataset, on a laptop CPU.

Generates the data (unless DIR/data holds this seed's; data of another seed is replaced),
trains, tests, prints the mAP table, and writes DIR/demo_metrics.json, DIR/detections.json and
pictures (DIR/timeline_<video>.png, DIR/class_ap.png).

Example:
    python tools/demo.py --work-dir work_dirs/demo
"""
import argparse

from gaf_mmaction.apis import run_demo
from gaf_mmaction.utils import PathDictAction, user_errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--work-dir', default='work_dirs/demo', help='where everything goes')
    parser.add_argument('--seed', type=int, default=0, help='seed of the synthetic data')
    parser.add_argument('--weight-perturbation', type=int, metavar='SEED',
                        help='change the initial weights by 1e-6 of their scale (seeded), as '
                             "another CPU's rounding would (tools/analysis/demo_study.py)")
    parser.add_argument('--cfg-options', nargs='+', action=PathDictAction,
                        help='override demo config settings, e.g. train_cfg.max_epochs=2')
    args = parser.parse_args()
    with user_errors():
        run_demo(args.work_dir, args.seed, cfg_options=args.cfg_options,
                 weight_perturbation=args.weight_perturbation)


if __name__ == '__main__':
    main()
