"""Your own videos' annotations in the generic JSON that ``OwnVideosDataset`` reads."""
from collections.abc import Mapping, Sequence

from ..datasets.annotation_files import Segment, VideoInfo

TRAIN_SUBSET = 'training'
TEST_SUBSET = 'testing'


def own_videos_database(segments: Sequence[Segment], infos: Mapping[str, VideoInfo],
                        test_videos: Sequence[str] = ()) -> dict:
    """``{"database": {video: {"subset", "duration", "annotations"}}}`` of the videos.

    Every video of ``infos`` (what ``tools/data/videos_to_npy.py --info-csv``
    wrote) is in it, with its sampled duration (``sample_count /
    sample_fps`` seconds, which is what its npy file holds). A segment's
    ``subset`` column puts its video in that subset; else ``test_videos``
    are 'testing' and the others 'training'.

    Raises:
        ValueError: When a segment names a video that is not in ``infos``, a
            video gets two subsets, a test video is not in ``infos``, or a
            segment ends after its video (each named).
    """
    missing = sorted({s.video for s in segments} - set(infos))
    unknown_test = sorted(set(test_videos) - set(infos))
    if missing or unknown_test:
        raise ValueError(
            f'No converted video for {missing or unknown_test} (videos named by the '
            f'{"segments" if missing else "test list"}): convert them with '
            'tools/data/videos_to_npy.py first, or fix the names (file names without extension)')
    subsets = {video: TEST_SUBSET if video in test_videos else TRAIN_SUBSET for video in infos}
    stated: dict[str, str] = {}
    for segment in segments:
        if segment.subset is not None and stated.setdefault(
                segment.video, segment.subset) != segment.subset:
            raise ValueError(f'Video {segment.video!r} is in two subsets: '
                             f'{stated[segment.video]!r} and {segment.subset!r}')
    subsets.update(stated)
    database = {video: dict(subset=subsets[video],
                            duration=round(info.sample_count / info.sample_fps, 6),
                            annotations=[]) for video, info in sorted(infos.items())}
    for segment in segments:
        entry = database[segment.video]
        if segment.end > entry['duration'] + 1e-6:
            raise ValueError(f'The segment {segment.start:g}-{segment.end:g} s of video '
                             f'{segment.video!r} ends after the video ({entry["duration"]:g} s)')
        entry['annotations'].append(dict(segment=[segment.start, segment.end],
                                         label=segment.label))
    return dict(database=database)
