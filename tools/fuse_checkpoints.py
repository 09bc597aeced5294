"""Combine an RGB and a flow checkpoint into one checkpoint of the fusion config.

The result is what tools/test.py (ours and MMAction2's) takes as CHECKPOINT for
configs/gaf/gaf_i3d_256x96x96_thumos14-rgb-flow-fusion.py. Both inputs are loaded exactly
(every key accounted for); as published, the flow stream's attention is left out.

Example:
    python tools/fuse_checkpoints.py RGB.pth FLOW.pth fused.pth \
        [--config configs/gaf/gaf_i3d_256x96x96_thumos14-rgb-flow-fusion.py]
"""
import argparse
from pathlib import Path

from gaf_mmaction.checkpoint.fusion import fuse_checkpoints

CONFIG = (Path(__file__).resolve().parents[1] / 'configs' / 'gaf'
          / 'gaf_i3d_256x96x96_thumos14-rgb-flow-fusion.py')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('rgb', help='checkpoint of the RGB detector')
    parser.add_argument('flow', help='checkpoint of the flow detector')
    parser.add_argument('out', help='where the fused checkpoint goes')
    parser.add_argument('--config', default=str(CONFIG), help='the fusion config')
    parser.add_argument('--trust-checkpoint', action='store_true',
                        help='load the inputs with full pickle (only for trusted files)')
    args = parser.parse_args()
    keys = fuse_checkpoints(args.config, args.rgb, args.flow, args.out, args.trust_checkpoint)
    print(f'Wrote {args.out}: {keys} tensors')


if __name__ == '__main__':
    main()
