"""Convert a published GAF checkpoint (BDNet, optionally its CVAE) for our configs.

Example:
    python tools/convert_gaf_checkpoint.py checkpoint-15.ckpt gaf_rgb.pth \
        --config configs/gaf/gaf_i3d_1xb8-256x96x96-300e_thumos14-rgb.py \
        [--cvae checkpoint-15_cvae.ckpt]
"""
import argparse
import sys

from gaf_mmaction.checkpoint import CheckpointMismatchError, convert_published_checkpoint


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('checkpoint', help='published BDNet state dict (.ckpt)')
    parser.add_argument('out', help='where to write the MMEngine checkpoint')
    parser.add_argument('--cvae', help='published CVAE state dict (GKD code saves it)')
    parser.add_argument('--config',
                        default='configs/gaf/gaf_i3d_1xb8-256x96x96-300e_thumos14-rgb.py',
                        help='config of the target model (RGB, flow or student)')
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        state = convert_published_checkpoint(args.checkpoint, args.config, args.out, args.cvae)
    except CheckpointMismatchError as err:
        print(err, file=sys.stderr)
        return 1
    print(f'Wrote {len(state)} tensors to {args.out} for {args.config}'
          + ('' if args.cvae else ' (no CVAE: train it or pass --cvae)'))
    return 0


if __name__ == '__main__':
    sys.exit(main())
