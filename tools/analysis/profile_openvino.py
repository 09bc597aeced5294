"""Where an exported network's time goes in OpenVINO on this CPU, and how far its convolutions
are from the CPU's arithmetic limit.

Prints the network's seconds per window, the profiled inference's time by node type (the eight
largest), the convolutions' multiply-adds per window (all, and the four largest groups by their
outputs' dimensions and length along the first axis after the channels: time for 3-D and 1-D
convolutions), the rate they run at, all together and the fastest of them, and the floor: the
convolutions' multiply-adds at the fastest one's rate. Unless some convolution runs faster than
the fastest one does here, a float32 path cannot run the network in less than that floor plus
its other nodes without doing fewer multiply-adds (docs/performance.md, "Inference on a CPU").

Example:
    python tools/analysis/profile_openvino.py work_dirs/benchmark_video/gaf_thumos14_rgb.onnx
"""
import argparse
import json

import torch

from gaf_mmaction.tooling.openvino_profile import profile_openvino
from gaf_mmaction.utils import user_errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('onnx_file', help='a network exported by tools/deployment/export_onnx.py')
    parser.add_argument('--batch-size', type=int, default=2, help='windows per inference')
    parser.add_argument('--iters', type=int, default=3, help='timed inferences')
    parser.add_argument('--threads', type=int, default=torch.get_num_threads(),
                        help="OpenVINO's threads (default: torch's)")
    parser.add_argument('--json', action='store_true', help='print JSON instead of a table')
    args = parser.parse_args()
    with user_errors():
        profile = profile_openvino(args.onnx_file, args.batch_size, args.iters, args.threads)
    if args.json:
        print(json.dumps(profile, indent=2))
        return
    seconds = profile['seconds_per_window']
    print(f'network: {seconds:.3f} s per window (batch {args.batch_size}, '
          f'{args.threads} threads)')
    print('| node type | s per window | share |\n|---|---|---|')
    profiled = sum(profile['by_type'].values())
    for kind, kind_seconds in list(profile['by_type'].items())[:8]:
        print(f'| {kind} | {kind_seconds:.3f} | {kind_seconds / profiled:.1%} |')
    name, rate = profile['fastest_conv']
    print(f"convolutions: {profile['conv_gmacs_per_window']:.1f} GMAC per window in "
          f"{profile['conv_seconds_per_window']:.3f} s ({profile['conv_gmacs_per_second']:.1f} "
          f'GMAC/s); the fastest, {name}, runs at {rate:.1f} GMAC/s')
    print('convolutions by output (dimensions, temporal length): ' + ', '.join(
        f'{key}: {gmacs:.1f} GMAC ({gmacs / profile["conv_gmacs_per_window"]:.1%})'
        for key, gmacs in list(profile['conv_gmacs_by_length'].items())[:4]))
    print(f"floor: {profile['conv_floor_seconds']:.3f} s per window of convolutions at that "
          f"rate, + {profiled - profile['conv_seconds_per_window']:.3f} s of other nodes")


if __name__ == '__main__':
    main()
