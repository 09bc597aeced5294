"""Export a trained GAF detector's test-time network to ONNX (dynamic batch), for ONNX Runtime
and OpenVINO.

The graph takes normalised clips [B, C, T, H, W] and returns the raw outputs the head decodes;
decoding, merging and soft-NMS stay in the package. For an I3D detector the same network is also
written in two parts beside it (X.stem.onnx, X.trunk.onnx), which the runtimes run so that
overlapping windows share the stem. Needs the deploy extras (pip install -e '.[deploy]').

Example:
    python tools/deployment/export_onnx.py \
        configs/gaf/gaf_i3d_1xb8-256x96x96-300e_thumos14-rgb.py gaf_rgb.pth --out gaf_rgb.onnx
    python tools/test.py configs/gaf/gaf_i3d_1xb8-256x96x96-300e_thumos14-rgb.py gaf_rgb.onnx \
        --backend openvino
"""
import argparse
import time
from pathlib import Path

from gaf_mmaction.deployment import export_checkpoint, stem_part_files
from gaf_mmaction.utils import PathDictAction, user_errors


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', help='config of the model')
    parser.add_argument('checkpoint', help='its checkpoint')
    parser.add_argument('--out', help='the .onnx file to write (default: the checkpoint\'s '
                                      'name with .onnx)')
    parser.add_argument('--opset', type=int, help='ONNX opset (default: the exporter\'s)')
    parser.add_argument('--cfg-options', nargs='+', action=PathDictAction,
                        help='override config settings, as in tools/test.py')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    out = args.out or str(Path(args.checkpoint).with_suffix('.onnx'))
    start, cpu = time.perf_counter(), time.process_time()
    outputs = export_checkpoint(args.config, args.checkpoint, out, args.cfg_options, args.opset)
    parts = [file for file in stem_part_files(out) if file.is_file()]
    written = ', '.join(f'{file} ({file.stat().st_size / 1e6:.0f} MB)' for file in parts)
    print(f'wrote {out} ({Path(out).stat().st_size / 1e6:.0f} MB; outputs: {", ".join(outputs)}) '
          + (f'and its stem and trunk parts {written} ' if parts else '')
          + f'in {time.perf_counter() - start:.0f} s, {time.process_time() - cpu:.0f} s of CPU')


if __name__ == '__main__':
    with user_errors():
        main()
