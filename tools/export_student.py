"""Save the student of a distillation checkpoint as a plain GAF checkpoint.

The result loads into the student's own config
(configs/gaf/gaf_top-heavy-i3d_1xb8-256x96x96-300e_thumos14-rgb.py) for tools/test.py or
further training.

Example:
    python tools/export_student.py \
        work_dirs/gaf-kd_top-heavy-i3d_1xb1-256x96x96-200e_thumos14-rgb/epoch_200.pth student.pth
"""
import argparse
import pickle
import sys

import torch

from gaf_mmaction.checkpoint.safe_loading import load_checkpoint_file, trust_checkpoints
from gaf_mmaction.models.distillers import student_state_dict


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('checkpoint', help='checkpoint of a GAFDistiller training run')
    parser.add_argument('out', help='where to write the student checkpoint')
    parser.add_argument('--trust-checkpoint', action='store_true',
                        help='load the checkpoint with full pickle, which can run code: only for '
                             'files from a source you trust (default: weights-only loading)')
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.trust_checkpoint:
        trust_checkpoints()
    try:
        checkpoint = load_checkpoint_file(args.checkpoint, map_location='cpu')
        state = student_state_dict(checkpoint.get('state_dict', checkpoint))
    except (OSError, ValueError, pickle.UnpicklingError) as err:
        print(f'error: {err}', file=sys.stderr)
        return 1
    except KeyError as err:
        print(f'{args.checkpoint}: {err.args[0]}', file=sys.stderr)
        return 1
    meta = dict(checkpoint.get('meta', {}), exported_from=args.checkpoint)
    torch.save(dict(meta=meta, state_dict=state), args.out)
    print(f'Wrote the student ({len(state)} tensors) to {args.out}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
