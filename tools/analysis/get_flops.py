"""Parameters and FLOPs per clip of a config's model, part by part (backbone, attention, neck,
head, CVAE).

FLOPs are torch.utils.flop_counter's: two per multiply-add (fvcore and mmengine's FlopAnalyzer
count one). The model runs on PyTorch's 'meta' device, so nothing is computed and no weights are
read: a 256x96x96 clip takes about a second. Parameters are mmengine.analysis.parameter_count's.
The CVAE row is the training pass's reconstruction; the test path is the other rows.

Example:
    python tools/analysis/get_flops.py configs/gaf_thumos14_rgb.py
"""
import argparse
import json

import torch
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.registry import init_default_scope

from gaf_mmaction.tooling.benchmark import clip_shape
from gaf_mmaction.tooling.complexity import part_complexity
from gaf_mmaction.utils import PathDictAction


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', help='config file')
    parser.add_argument('--shape', type=int, nargs=3, metavar=('T', 'H', 'W'),
                        help="clip frames and size (default: the config's clip_length and "
                             'test crop)')
    parser.add_argument('--json', action='store_true', help='print JSON instead of a table')
    parser.add_argument('--cfg-options', nargs='+', action=PathDictAction,
                        help='override config settings, as in tools/train.py')
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    channels, frames, height, width = clip_shape(cfg)
    if args.shape:
        frames, height, width = args.shape
    with torch.device('meta'):
        model = MODELS.build(cfg.model).eval()
        model = getattr(model, 'student', model)
        rows = part_complexity(model, torch.zeros(1, channels, frames, height, width))
    if args.json:
        print(json.dumps(dict(config=args.config, clip=[channels, frames, height, width],
                              flops_per_multiply_add=2, parts=rows)))
        return 0
    print(f'{args.config}: one {channels}x{frames}x{height}x{width} clip '
          '(FLOPs: 2 per multiply-add, as torch.utils.flop_counter)')
    print(f'{"part":<10} {"params (M)":>11} {"GFLOPs":>9}')
    for row in rows:
        print(f'{row["part"]:<10} {row["params"] / 1e6:11.2f} {row["flops"] / 1e9:9.2f}')
    test = [r for r in rows if r['part'] != 'cvae']
    print(f'{"test path":<10} {sum(r["params"] for r in test) / 1e6:11.2f} '
          f'{sum(r["flops"] for r in test) / 1e9:9.2f}')
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
