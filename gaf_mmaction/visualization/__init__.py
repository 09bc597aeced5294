"""Pictures of detection results."""
from .timelines import class_colours, plot_class_ap, plot_video_timeline

__all__ = ['class_colours', 'plot_class_ap', 'plot_video_timeline']
