"""Tiny datasets in ActivityNet-1.3's official layout, with random frames."""
import json
from pathlib import Path

import numpy as np

from ..datasets.annotation_files import VideoInfo, read_class_list, shipped_file
from ..datasets.annotation_writer import write_video_info
from ..preparation import capped_fps, sample_frames

# {video id: (subset, source frames at 30 fps, [(start s, end s, class name)])}. At most 64
# frames are kept per video (fps x min(64 / frames, 1)); vid_f is shorter than that.
TINY_ANET_VIDEOS = {
    'vid_a': ('training', 300, [(1.0, 4.0, 'Shaving'), (6.0, 9.5, 'Rafting')]),
    'vid_b': ('training', 240, [(2.0, 7.0, 'Shaving')]),
    'vid_c': ('training', 150, [(0.5, 2.0, 'Rafting'), (3.0, 4.5, 'Shaving')]),
    'vid_d': ('validation', 180, [(1.0, 5.0, 'Shaving')]),
    'vid_e': ('validation', 120, [(0.5, 3.0, 'Rafting')]),
    'vid_f': ('validation', 45, [(0.2, 1.2, 'Shaving')]),
    'vid_g': ('testing', 90, []),
}
SOURCE_FPS = 30.0


def write_activitynet_like(root: str | Path, videos: dict = TINY_ANET_VIDEOS,
                           max_frames: int = 64, size: int = 40, seed: int = 0,
                           not_converted: tuple[str, ...] = ()) -> dict[str, str]:
    """Write the official annotation file, re-encoded frames and a video classification.

    Args:
        root: Output folder.
        videos: {id: (subset, frames at 30 fps, [(start s, end s, class name)])}.
        max_frames: Frames kept per video at most (ActivityNet: 768).
        size: Frame side in pixels.
        seed: Seed of the random frames.
        not_converted: Videos left out of the frames and the encoding CSV (as
            ActivityNet videos missing from YouTube).

    Returns:
        Paths: ``annotation_file`` (official layout), ``encoded_csv`` (what
        ``tools/data/videos_to_npy.py --max-frames`` writes), ``video_dir`` and
        ``classification_file`` (CUHK layout: each video's top class is its
        first action's, scored 0.9).
    """
    rng = np.random.default_rng(seed)
    root = Path(root)
    (root / 'frames').mkdir(parents=True, exist_ok=True)
    classes = read_class_list(shipped_file('activitynet', 'action_name.txt'))
    database, encoded, classification = {}, {}, {}
    for video, (subset, frames, actions) in videos.items():
        database[video] = dict(
            subset=subset, duration=frames / SOURCE_FPS, resolution='320x240',
            url=f'https://www.youtube.com/watch?v={video}',
            annotations=[dict(segment=[start, end], label=label)
                         for start, end, label in actions])
        if subset == 'testing' or video in not_converted:
            continue
        fps = capped_fps(SOURCE_FPS, frames, max_frames)
        # What the re-encoding keeps (tools/data/videos_to_npy.py --max-frames).
        count = min(sum(1 for _ in sample_frames(range(frames), SOURCE_FPS, fps)), max_frames)
        encoded[video] = VideoInfo(fps=SOURCE_FPS, sample_fps=fps, count=float(frames),
                                   sample_count=count)
        np.save(root / 'frames' / f'{video}.npy',
                rng.integers(0, 256, (count, size, size, 3), dtype=np.uint8))
        scores = np.full(len(classes), 0.1 / len(classes))
        if actions:
            scores[classes.index(actions[0][2])] = 0.9
        classification[video] = scores.tolist()
    paths = dict(annotation_file=root / 'activity_net.v1-3.min.json',
                 encoded_csv=root / 'encoded.csv', video_dir=root / 'frames',
                 classification_file=root / 'classification.json')
    paths['annotation_file'].write_text(json.dumps(dict(version='VERSION 1.3',
                                                        database=database)))
    write_video_info(paths['encoded_csv'], encoded)
    paths['classification_file'].write_text(json.dumps(dict(results=classification,
                                                             **{'class': classes})))
    return {k: str(v) for k, v in paths.items()}
