"""Extract backbone features of videos: one [T, C] float32 npy per video, a feature every --stride frames.

The backbone is a config's (GAF's I3D, the top-heavy student, or an MMAction2 recognizer's),
with a checkpoint's weights (without one: the config's pretrained weights). Feature t is the
backbone's last map on frames [t * stride, t * stride + snippet), averaged over its time and
space (snippets past the end repeat the last frame), so a video of N frames gives ceil(N /
stride) features: the layout the feature configs (and ActionFormer's and OpenTAD's) read. Inputs
are npy frame files ([T, H, W, C] uint8 at 10 fps, as tools/data/videos_to_npy.py writes), video
files (decoded to 10 fps, 112x112) or folders of them. A video whose features exist is skipped,
so an interrupted run resumes; files are written under a temporary name and renamed. On SIGTERM
or SIGUSR1 the video being extracted is finished and the tool exits with status 75. --shard I/N
extracts share I (from 0) of N (every N-th video by name; auto: from torchrun or a Slurm array),
so that N processes or array tasks extract each video once.

Example (features every 4 frames of 16-frame snippets: steps_per_second = 10 / 4 = 2.5):
    python tools/data/extract_features.py configs/gaf/gaf_i3d_1xb8-256x96x96-300e_thumos14-rgb.py \
        data/my_videos/npy data/my_videos/features --checkpoint gaf_rgb.pth --device cuda
"""
import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset

from gaf_mmaction.apis import init_detector
from gaf_mmaction.datasets.file_checks import open_array
from gaf_mmaction.preparation import VideoDecoder
from gaf_mmaction.preparation.features import FeatureExtractor, normalizer_of
from gaf_mmaction.preparation.output_files import save_array
from gaf_mmaction.preparation.shards import add_shard_option
from gaf_mmaction.utils.stop_signals import STOPPED_EXIT_STATUS, StopSignals, ignore_stop_signals

VIDEO_SUFFIXES = ('.npy', '.mp4', '.avi', '.mkv', '.webm', '.mov')


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', help='config of the model whose backbone extracts')
    parser.add_argument('inputs', nargs='+', help='npy frame files, video files or folders')
    parser.add_argument('out_dir', help='folder for the <video>.npy features')
    parser.add_argument('--checkpoint', help="the model's weights (default: the config's "
                        'pretrained backbone weights)')
    parser.add_argument('--snippet', type=int, default=16, help='frames per snippet (16)')
    parser.add_argument('--stride', type=int, default=4, help='frames between features (4)')
    parser.add_argument('--crop', type=int, default=None,
                        help="centre crop in pixels (default: the config's model.crop_size; "
                             '0: none)')
    parser.add_argument('--batch-size', type=int, default=32, help='snippets per forward pass')
    parser.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    parser.add_argument('--num-workers', type=int, default=2,
                        help='processes reading or decoding the next videos (default 2)')
    add_shard_option(parser, 'extract')
    return parser.parse_args(argv)


def list_videos(inputs: list[str]) -> list[Path]:
    """The npy and video files named or inside the named folders, sorted, each once."""
    files = []
    for item in map(Path, inputs):
        if item.is_dir():
            files += sorted(p for p in item.iterdir() if p.suffix.lower() in VIDEO_SUFFIXES)
        elif item.is_file():
            files.append(item)
        else:
            raise FileNotFoundError(f'No such file or folder: {item}')
    return list(dict.fromkeys(files))


class Frames(Dataset):
    """(name, [T, H, W, C] uint8 frames) of each file, read in a loader's workers."""

    def __init__(self, files: list[Path]) -> None:
        self.files = files

    def __len__(self) -> int:
        return len(self.files)

    def __getitem__(self, index: int) -> tuple[str, np.ndarray]:
        path = self.files[index]
        if path.suffix == '.npy':
            # Memory-mapped: the extractor reads one batch of snippets at a time.
            frames = open_array(str(path), ndim=4, layout='[T, H, W, C] uint8 frames',
                                dtype=np.uint8)
        else:
            frames = np.stack(list(VideoDecoder(path)))
        return path.stem, frames


def as_read(item: tuple[str, np.ndarray]) -> tuple[str, np.ndarray]:
    """The loader's item as the worker read it (not converted to tensors)."""
    return item


def quiet_worker(worker_id: int) -> None:
    """A loader worker leaves the stop signals to the main process."""
    ignore_stop_signals()


def done(path: Path) -> bool:
    """Whether ``path`` holds features already (a readable [T, C] array)."""
    try:
        return np.load(path, mmap_mode='r').ndim == 2
    except (OSError, ValueError, EOFError):
        return False


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    out_dir = Path(args.out_dir)
    try:
        files = list_videos(args.inputs)
        if args.shard:
            chosen = set(args.shard.select([f.stem for f in files]))
            files = [f for f in files if f.stem in chosen]
        model = init_detector(args.config, args.checkpoint, args.device)
        if args.checkpoint is None:
            model.init_weights()  # the config's pretrained backbone weights
    except (OSError, KeyError, ValueError) as err:
        print(f'error: {err}', file=sys.stderr)
        return 1
    crop = model.cfg.model.get('crop_size') if args.crop is None else (args.crop or None)
    extractor = FeatureExtractor(model.backbone, normalizer_of(
        model.data_preprocessor), args.snippet, args.stride, crop, args.batch_size, args.device)
    out_dir.mkdir(parents=True, exist_ok=True)
    todo = [f for f in files if not done(out_dir / f'{f.stem}.npy')]
    share = f' (shard {args.shard})' if args.shard else ''
    print(f'{len(files)} videos{share}, {len(files) - len(todo)} done before; a feature every '
          f'{args.stride} frames of {args.snippet}-frame snippets (at 10 fps: '
          f'steps_per_second={10 / args.stride:g})', flush=True)
    loader = DataLoader(Frames(todo), batch_size=None, num_workers=args.num_workers,
                        collate_fn=as_read, worker_init_fn=quiet_worker)
    start, failed = time.perf_counter(), []
    with StopSignals() as stop:
        for number, item in enumerate(loader, 1):
            if stop.received:
                print(f'Stopped by {stop.received.name}: {len(todo) - number + 1} videos left; '
                      'run the same command again to extract them', file=sys.stderr)
                return STOPPED_EXIT_STATUS
            name, frames = item
            try:
                features = extractor(frames)
            except ValueError as err:
                failed.append(name)
                print(f'error: {name}: {err}', file=sys.stderr)
                continue
            save_array(out_dir / f'{name}.npy', features)
            elapsed = time.perf_counter() - start
            print(f'[{number}/{len(todo)}] {name}: {len(frames)} frames -> '
                  f'{tuple(features.shape)}, {elapsed:.0f} s, about '
                  f'{elapsed / number * (len(todo) - number):.0f} s left', flush=True)
    if failed:
        print(f'error: {len(failed)} videos failed: {failed}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
