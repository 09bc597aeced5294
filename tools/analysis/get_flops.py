"""Parameters and FLOPs per clip of a config's model, part by part (backbone, attention, neck,
head, CVAE), and the disk its training checkpoints take.

FLOPs are torch.utils.flop_counter's: two per multiply-add (fvcore and mmengine's FlopAnalyzer
count one). The model runs on PyTorch's 'meta' device, so nothing is computed and no weights are
read: a 256x96x96 clip takes about a second. Parameters are mmengine.analysis.parameter_count's.
The CVAE row is the training pass's reconstruction; the test path is the other rows. A training
checkpoint holds the weights and every optimizer's state (Adam: two tensors per parameter); the
last line counts the files the config's CheckpointHook keeps over its max_epochs (GB = 1e9 bytes).

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
from gaf_mmaction.tooling.complexity import (
    checkpoint_bytes,
    part_complexity,
    retained_checkpoints,
)
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
        sizes = checkpoint_bytes(model, cfg.optim_wrapper)
        model = getattr(model, 'student', model)
        rows = part_complexity(model, torch.zeros(1, channels, frames, height, width))
    epochs = cfg.train_cfg.max_epochs
    kept, peak = retained_checkpoints(cfg.default_hooks.checkpoint, epochs)
    size = sum(sizes.values())
    disk = dict(sizes, checkpoint=size, epochs=epochs, kept_files=kept, peak_files=peak,
                kept=kept * size, peak=peak * size, every_epoch=epochs * size)
    if args.json:
        print(json.dumps(dict(config=args.config, clip=[channels, frames, height, width],
                              flops_per_multiply_add=2, parts=rows, disk=disk)))
        return 0
    print(f'{args.config}: one {channels}x{frames}x{height}x{width} clip '
          '(FLOPs: 2 per multiply-add, as torch.utils.flop_counter)')
    print(f'{"part":<10} {"params (M)":>11} {"GFLOPs":>9}')
    for row in rows:
        print(f'{row["part"]:<10} {row["params"] / 1e6:11.2f} {row["flops"] / 1e9:9.2f}')
    test = [r for r in rows if r['part'] != 'cvae']
    print(f'{"test path":<10} {sum(r["params"] for r in test) / 1e6:11.2f} '
          f'{sum(r["flops"] for r in test) / 1e9:9.2f}')
    print(f'training checkpoint: {size / 1e9:.2f} GB ({sizes["weights"] / 1e9:.2f} GB weights, '
          f'{sizes["optimizer"] / 1e9:.2f} GB optimizer states); {epochs} epochs keep {kept} '
          f'files, {disk["kept"] / 1e9:.2f} GB ({peak} while one is written, '
          f'{disk["peak"] / 1e9:.2f} GB; every epoch kept: {disk["every_epoch"] / 1e9:.0f} GB)')
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
