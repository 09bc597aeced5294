"""Pictures of detection results: a timeline per video and per-class AP."""
import colorsys
from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use('Agg')  # files only, no display needed
import matplotlib.pyplot as plt
import numpy as np


def class_colours(classes: Sequence[str]) -> dict[str, tuple]:
    """A distinct colour per class name (THUMOS14's 20 and ActivityNet's 200 included).

    Up to 20 classes take matplotlib's tab20 (dark and light of ten hues); more take hues
    spaced by the golden angle at three lightness levels.
    """
    if len(classes) <= 20:
        cmap = plt.get_cmap('tab20')
        return {name: cmap((2 * i) % 20 + (2 * i) // 20) for i, name in enumerate(classes)}
    return {name: colorsys.hsv_to_rgb((i * 0.618034) % 1.0, 0.85, (1.0, 0.75, 0.5)[i % 3])
            for i, name in enumerate(classes)}


def lanes(segments: Sequence[tuple[float, float]]) -> list[int]:
    """A lane per segment so that segments sharing a lane do not overlap (fewest lanes)."""
    ends: list[float] = []
    lane_of = [0] * len(segments)
    for index in sorted(range(len(segments)), key=lambda i: segments[i][0]):
        start, end = segments[index]
        free = next((lane for lane, last in enumerate(ends) if last <= start), None)
        if free is None:
            free = len(ends)
            ends.append(end)
        ends[free] = end
        lane_of[index] = free
    return lane_of


def plot_video_timeline(video: str, ground_truth: Sequence[tuple[float, float, str]],
                        detections: Sequence[dict], classes: Sequence[str], out_path: str | Path,
                        duration: float | None = None, max_detections: int = 15) -> None:
    """Draw ground truth over the video's best detections on a shared time axis (seconds).

    The top lanes hold the ground truth (overlapping actions on separate lanes); below, the
    ``max_detections`` best detections, one per row, coloured by class, more opaque the
    higher their score, which is written beside each. The axis spans ``duration`` (or the
    last segment's end); segments are clipped to it. The legend names the classes drawn.
    """
    colours = class_colours(classes)
    limit = duration if duration else max(
        [e for _, e, _ in ground_truth] + [d['segment'][1] for d in detections], default=1.0)

    def clip(start: float, end: float) -> tuple[float, float]:
        return min(max(start, 0.0), limit), min(max(end, 0.0), limit)

    kept = sorted(detections, key=lambda d: -d['score'])[:max_detections]
    gt_lanes = lanes([(s, e) for s, e, _ in ground_truth])
    num_gt = max(gt_lanes, default=0) + 1
    rows = num_gt + len(kept)
    fig, ax = plt.subplots(figsize=(10, 1.8 + 0.3 * rows), layout='constrained')
    for (start, end, label), lane in zip(ground_truth, gt_lanes):
        start, end = clip(start, end)
        ax.barh(rows - 1 - lane, end - start, left=start, height=0.8,
                color=colours.get(label, 'grey'), edgecolor='black')
    for row, det in enumerate(kept):
        start, end = clip(*det['segment'])
        y = len(kept) - 1 - row
        ax.barh(y, end - start, left=start, height=0.7, color=colours.get(det['label'], 'grey'),
                alpha=0.2 + 0.8 * det['score'])
        ax.text(min(end, limit), y, f" {det['score']:.2f}", va='center', fontsize=7)
    ax.set_xlim(0, limit)
    ax.set_ylim(-0.7, rows - 0.3)
    ticks, names = [rows - 1 - (num_gt - 1) / 2], ['ground truth']
    if kept:
        ticks.append((len(kept) - 1) / 2)
        names.append(f'top {len(kept)} detections')
    ax.set_yticks(ticks, names)
    ax.axhline(len(kept) - 0.5, color='black', linewidth=0.5)
    ax.set_xlabel('time (s)')
    ax.set_title(video)
    shown = [c for c in classes if c in {label for _, _, label in ground_truth}
             | {d['label'] for d in kept}]
    if shown:
        handles = [plt.Rectangle((0, 0), 1, 1, color=colours[c]) for c in shown]
        fig.legend(handles, shown, loc='outside lower center', ncol=min(len(shown), 5),
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
