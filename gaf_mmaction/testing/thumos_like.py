"""Tiny datasets in the THUMOS14 on-disk layout, with random frames."""
from pathlib import Path

import numpy as np
from mmaction.registry import DATASETS

from ..datasets.annotation_writer import write_class_index, write_ground_truth, write_split

# Three THUMOS14 classes, by their original class indices.
TINY_CLASSES = ((7, 'BaseballPitch'), (9, 'BasketballDunk'), (12, 'Billiards'))

# {video: (sampled frames, [(start s, end s, class index)])}.
TINY_VIDEOS = {
    'video_a': (100, [(1.0, 2.5, 7), (4.0, 6.5, 9), (8.0, 9.0, 12)]),
    'video_b': (50, [(0.5, 3.5, 9)]),  # shorter than a window
}


def write_thumos_like(root: str | Path,
                      videos: dict[str, tuple[int, list[tuple[float, float, int]]]],
                      size: int = 40, seed: int = 0) -> dict[str, str]:
    """Write random npy frames and the annotation files of ``videos`` under ``root``.

    Args:
        root: Output folder.
        videos: {name: (sampled frames, [(start s, end s, class index of TINY_CLASSES)])};
            videos are 30 fps originals sampled at 10 fps.
        size: Frame side in pixels.
        seed: Seed of the random frames.

    Returns:
        Paths: ``video_dir``, ``video_info_file``, ``ann_file``, ``class_index_file``,
        ``gt_file`` (ActivityNet-layout JSON, every video in subset 'test').
    """
    rng = np.random.default_rng(seed)
    root = Path(root)
    frames = {name: (rng.integers(0, 256, (count, size, size, 3), dtype=np.uint8), actions)
              for name, (count, actions) in videos.items()}
    paths = write_split(root, 'test', 'frames', frames, TINY_CLASSES)
    paths.update(class_index_file=str(root / 'Class_Index_Detection.txt'),
                 gt_file=str(root / 'gt.json'))
    write_class_index(paths['class_index_file'], TINY_CLASSES)
    write_ground_truth(paths['gt_file'],
                       {'test': {name: actions for name, (_, actions) in videos.items()}},
                       TINY_CLASSES)
    return paths


def build_tiny_dataset(files: dict[str, str], **kwargs):
    """A Thumos14Dataset of 64-frame windows over the files of :func:`write_thumos_like`."""
    return DATASETS.build(dict(
        type='Thumos14Dataset', data_prefix=dict(video=files['video_dir']),
        video_info_file=files['video_info_file'], ann_file=files['ann_file'],
        class_index_file=files['class_index_file'], clip_length=64, clip_stride=16, **kwargs))


def data_options(files: dict[str, str], splits: tuple[str, ...] = ('train', 'val', 'test')
                 ) -> dict[str, str]:
    """Config overrides (``--cfg-options`` keys) pointing a THUMOS14 config's ``splits`` and
    evaluators at the files of :func:`write_thumos_like` (absolute paths: a config's
    ``data_root`` does not apply to them)."""
    options = {}
    for split in splits:
        dataset = f'{split}_dataloader.dataset'
        options.update({f'{dataset}.data_prefix.video': files['video_dir'],
                        f'{dataset}.video_info_file': files['video_info_file'],
                        f'{dataset}.class_index_file': files['class_index_file']})
        if split == 'train':
            options[f'{dataset}.ann_file'] = files['ann_file']
        else:
            options[f'{split}_evaluator.gt_file'] = files['gt_file']
    return options
