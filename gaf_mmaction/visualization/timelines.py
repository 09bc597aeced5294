"""Pictures of detection results: a timeline per video and per-class AP."""
from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use('Agg')  # files only, no display needed
import matplotlib.pyplot as plt
import numpy as np


def class_colours(classes: Sequence[str]) -> dict[str, tuple]:
    """A distinct colour per class name."""
    cmap = plt.get_cmap('tab10')
    return {name: cmap(i % 10) for i, name in enumerate(classes)}


def plot_video_timeline(video: str, ground_truth: Sequence[tuple[float, float, str]],
                        detections: Sequence[dict], classes: Sequence[str], out_path: str | Path,
                        duration: float | None = None, max_detections: int = 15) -> None:
    """Draw ground truth over the video's best detections on a shared time axis (seconds).

    The top row is the ground truth; below, the ``max_detections`` best
    detections, one per row, coloured by class, more opaque the higher their
    score, which is written beside each. The axis spans ``duration`` (or the
    last segment's end).
    """
    colours = class_colours(classes)
    kept = sorted(detections, key=lambda d: -d['score'])[:max_detections]
    rows = 1 + len(kept)
    fig, ax = plt.subplots(figsize=(10, 1.8 + 0.3 * rows), layout='constrained')
    for start, end, label in ground_truth:
        ax.barh(rows - 1, end - start, left=start, height=0.8, color=colours.get(label, 'grey'),
                edgecolor='black')
    for row, det in enumerate(kept):
        start, end = det['segment']
        ax.barh(rows - 2 - row, end - start, left=start, height=0.7,
                color=colours.get(det['label'], 'grey'), alpha=0.2 + 0.8 * det['score'])
        ax.text(end, rows - 2 - row, f" {det['score']:.2f}", va='center', fontsize=7)
    ends = [e for _, e, _ in ground_truth] + [d['segment'][1] for d in kept]
    ax.set_xlim(0, duration if duration else max(ends, default=1.0))
    ax.set_ylim(-0.7, rows - 0.3)
    ax.set_yticks([rows - 1, (rows - 2) / 2] if kept else [rows - 1],
                  ['ground truth', f'top {len(kept)} detections'][:1 + bool(kept)])
    ax.axhline(rows - 1.5, color='black', linewidth=0.5)
    ax.set_xlabel('time (s)')
    ax.set_title(video)
    handles = [plt.Rectangle((0, 0), 1, 1, color=colours[c]) for c in classes]
    fig.legend(handles, classes, loc='outside lower center', ncol=min(len(classes), 5),
               fontsize=8, frameon=False)
    fig.savefig(out_path, dpi=100)
    plt.close(fig)


def plot_class_ap(per_class: dict[str, np.ndarray], tious: Sequence[float],
                  out_path: str | Path) -> None:
    """Bar chart of each class's AP (percent) at each tIoU."""
    classes = list(per_class)
    fig, ax = plt.subplots(figsize=(max(6, 1.2 * len(classes)), 4), layout='constrained')
    width = 0.8 / len(tious)
    for i, tiou in enumerate(tious):
        ax.bar(np.arange(len(classes)) + i * width, [100 * per_class[c][i] for c in classes],
               width, label=f'tIoU {tiou:g}')
    ax.set_xticks(np.arange(len(classes)) + 0.4 - width / 2, classes, rotation=20)
    ax.set_ylabel('AP (%)')
    ax.set_ylim(0, 100)
    ax.set_title('Per-class AP')
    ax.legend(fontsize=7, ncol=2)
    fig.savefig(out_path, dpi=100)
    plt.close(fig)
