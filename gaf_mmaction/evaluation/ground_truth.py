"""Ground truth in the ActivityNet JSON layout (``{"database": {video: {...}}}``)."""
from ..datasets.annotation_files import read_json


def load_ground_truth(path: str, subset: str) -> dict[str, list[tuple[float, float, str]]]:
    """{video: [(start s, end s, label name)]} for the videos of ``subset``.

    Segments may be numbers or numeric strings (as in THUMOS14's
    ``thumos_gt.json``). Video ids are used exactly as written.

    Raises:
        KeyError: Naming the file, video and missing key of a malformed entry.
    """
    data = read_json(path, 'ground-truth file')
    if not isinstance(data, dict) or 'database' not in data:
        raise KeyError(f'{path}: no "database" key (ActivityNet ground-truth layout expected)')
    videos = {}
    for video, entry in data['database'].items():
        if entry.get('subset') != subset:
            continue
        if 'annotations' not in entry:
            raise KeyError(f'{path}: video {video!r} has no "annotations"')
        actions = []
        for i, anno in enumerate(entry['annotations']):
            try:
                start, end = (float(t) for t in anno['segment'])
                actions.append((start, end, anno['label']))
            except (KeyError, TypeError, ValueError) as err:
                raise KeyError(f'{path}: video {video!r}, annotation {i}: needs "segment" '
                               f'[start, end] and "label" ({err})') from None
        videos[video] = actions
    if not videos:
        raise KeyError(f'{path}: no video of subset {subset!r}')
    return videos
