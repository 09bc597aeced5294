"""Small datasets in the THUMOS14 on-disk format, written by the tests."""
import json
from pathlib import Path

import numpy as np
from mmaction.registry import DATASETS

CLASSES = ((7, 'BaseballPitch'), (9, 'BasketballDunk'), (12, 'Billiards'))


def write_thumos_like(root: Path, videos: dict[str, tuple[int, list[tuple[float, float, int]]]],
                      size: int = 40, seed: int = 0) -> dict[str, str]:
    """Write npy frames and annotation files under ``root``.

    Args:
        root: Output folder.
        videos: {name: (sampled frames, [(start s, end s, original class index)])};
            videos are 30 fps originals sampled at 10 fps.
        size: Frame side in pixels.
        seed: Seed of the random frames.

    Returns:
        Paths: ``video_dir``, ``video_info_file``, ``ann_file``, ``class_index_file``,
        ``gt_file`` (ActivityNet-layout JSON, every video in subset 'test').
    """
    rng = np.random.default_rng(seed)
    video_dir = root / 'frames'
    video_dir.mkdir(parents=True, exist_ok=True)
    names = dict(CLASSES)
    info = ['video,fps,sample_fps,count,sample_count']
    annos = ['video,type,type_idx,start,end,startFrame,endFrame']
    for name, (frames, actions) in videos.items():
        np.save(video_dir / f'{name}.npy',
                rng.integers(0, 256, (frames, size, size, 3), dtype=np.uint8))
        info.append(f'{name},30.0,10.0,{frames * 3}.0,{frames}')
        for start, end, index in actions:
            annos.append(f'{name},{names[index]},{index},{start},{end},'
                         f'{round(start * 30)},{round(end * 30)}')
    paths = dict(video_dir=str(video_dir), video_info_file=str(root / 'video_info.csv'),
                 ann_file=str(root / 'annotations.csv'),
                 class_index_file=str(root / 'class_index.txt'), gt_file=str(root / 'gt.json'))
    database = {name: dict(subset='test', annotations=[
        dict(segment=[str(start), str(end)], label=names[index]) for start, end, index in actions])
        for name, (_, actions) in videos.items()}
    Path(paths['gt_file']).write_text(json.dumps(dict(database=database)))
    Path(paths['video_info_file']).write_text('\n'.join(info) + '\n')
    Path(paths['ann_file']).write_text('\n'.join(annos) + '\n')
    Path(paths['class_index_file']).write_text(
        '\n'.join(f'{i} {n}' for i, n in CLASSES) + '\n')
    return paths


TINY_VIDEOS = {
    'video_a': (100, [(1.0, 2.5, 7), (4.0, 6.5, 9), (8.0, 9.0, 12)]),
    'video_b': (50, [(0.5, 3.5, 9)]),  # shorter than a window
}


def build_tiny_dataset(files: dict[str, str], **kwargs):
    """A Thumos14Dataset of 64-frame windows over the files of :func:`write_thumos_like`."""
    return DATASETS.build(dict(
        type='Thumos14Dataset', data_prefix=dict(video=files['video_dir']),
        video_info_file=files['video_info_file'], ann_file=files['ann_file'],
        class_index_file=files['class_index_file'], clip_length=64, clip_stride=16, **kwargs))
