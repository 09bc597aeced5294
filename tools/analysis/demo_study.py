"""Run the demo for data seeds x initial-weight perturbations and tabulate mAP and time.

A perturbation changes every initial weight tensor by 1e-6 of its RMS (a seeded normal draw),
which is how much another CPU's rounding moves a run; 'none' trains the weights as
initialised. Each run is a fresh process writing to WORK_DIR/s<seed>_p<perturbation>/
(run.log, demo_metrics.json, ...); WORK_DIR/study.json holds the table's figures.

Example:
    python tools/analysis/demo_study.py --work-dir work_dirs/demo_study --seeds 0 1 2 \
        --perturbations 1 2 3 4 5 --jobs 2
"""
import argparse

from gaf_mmaction.apis import DEMO_CONFIG
from gaf_mmaction.tooling.demo_study import run_study
from gaf_mmaction.utils import PathDictAction


def perturbation(value: str) -> int | None:
    return None if value == 'none' else int(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--config', default=str(DEMO_CONFIG),
                        help='demo config (default: the one tools/demo.py runs)')
    parser.add_argument('--work-dir', default='work_dirs/demo_study', help='where the runs go')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2],
                        help='seeds of the synthetic data (default 0 1 2)')
    parser.add_argument('--perturbations', type=perturbation, nargs='+', default=[1, 2, 3, 4, 5],
                        help="seeds of the weight perturbation, 'none' for none (default 1-5)")
    parser.add_argument('--jobs', type=int, default=1, help='runs at a time (default 1)')
    parser.add_argument('--threads', type=int,
                        help='torch threads per run (default: the CPUs over --jobs)')
    parser.add_argument('--cfg-options', nargs='+', action=PathDictAction,
                        help='override demo config settings, e.g. train_cfg.max_epochs=2')
    args = parser.parse_args()
    run_study(args.work_dir, args.seeds, args.perturbations, args.jobs, args.threads,
              args.config, args.cfg_options)


if __name__ == '__main__':
    main()
