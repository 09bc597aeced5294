"""ActivityNet-1.3's official annotation file -> the video-info JSON of
:class:`~gaf_mmaction.datasets.ActivityNetDetectionDataset` (docs/activitynet.md)."""
import logging
from collections.abc import Sequence

from mmengine.logging import print_log

from ..datasets.annotation_files import VideoInfo


def activitynet_video_info(database: dict, encoded: dict[str, VideoInfo],
                           class_names: Sequence[str],
                           subsets: Sequence[str] = ('training', 'validation'),
                           source: str = 'the annotation file') -> tuple[dict, list[str]]:
    """Video info of the re-encoded videos, annotations in their frames.

    Args:
        database: The official file's ``database``: {video id: {subset,
            duration (s), annotations: [{segment: [start s, end s], label}]}}.
        encoded: {video id: :class:`VideoInfo`} of the re-encoded videos
            (``tools/data/videos_to_npy.py --max-frames 768``): their frame
            rate is ``sample_fps`` and their frame count ``sample_count``.
        class_names: Class names; label ids are 1-based positions here.
        subsets: Subsets to keep. Defaults to training and validation (the
            testing subset has no annotations).
        source: What to name in errors.

    Returns:
        ``{video id: {subset, duration, frame_num, fps, annotations:
        [{start_frame, end_frame, label, label_id}]}}``, and the ids of the
        kept subsets that ``encoded`` lacks (sorted; those are left out).

    Segments are kept as the published preparation keeps them, in seconds x
    fps; two kinds are listed in one warning each, naming the videos: those
    with end <= start (the dataset drops them from training, as published) and
    those that end after the video's ``duration`` (the official file has
    such; kept, not clipped, as published).

    Raises:
        KeyError: Naming the video and key of a malformed entry.
        ValueError: Naming the video and label of a class not in ``class_names``.
    """
    label_ids = {name: i + 1 for i, name in enumerate(class_names)}
    info, missing = {}, []
    empty, overrun = [], []
    for video, entry in database.items():
        absent = [k for k in ('subset', 'duration') if k not in entry]
        if absent:
            raise KeyError(f'{source}: video {video!r} lacks {absent}')
        if entry['subset'] not in subsets:
            continue
        if video not in encoded:
            missing.append(video)
            continue
        fps = encoded[video].sample_fps
        annotations = []
        for i, anno in enumerate(entry.get('annotations', [])):
            try:
                start, end = (float(t) for t in anno['segment'])
                label = anno['label']
            except (KeyError, TypeError, ValueError) as err:
                raise KeyError(f'{source}: video {video!r}, annotation {i}: needs "segment" '
                               f'[start, end] and "label" ({err})') from None
            if label not in label_ids:
                raise ValueError(f'{source}: video {video!r} has label {label!r}, which is '
                                 'not in the class list')
            if end <= start:
                empty.append(f'{video} ({start:g}-{end:g} s)')
            elif end > float(entry['duration']):
                overrun.append(f'{video} ({start:g}-{end:g} s of {float(entry["duration"]):g})')
            annotations.append(dict(start_frame=start * fps, end_frame=end * fps, label=label,
                                    label_id=label_ids[label]))
        info[video] = dict(subset=entry['subset'], duration=float(entry['duration']),
                           frame_num=encoded[video].sample_count, fps=fps,
                           annotations=annotations)
    for found, what in ((empty, ('end at or before their start (training leaves them out, '
                                 'as published)')),
                        (overrun, 'end after their video (kept, as published)')):
        if found:
            print_log(f'{source}: {len(found)} segment(s) {what}: {"; ".join(found)}',
                      logger='current', level=logging.WARNING)
    return info, sorted(missing)
