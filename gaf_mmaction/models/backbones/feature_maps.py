"""What a backbone says of its output maps, from which a detector sizes the parts after it."""
from dataclasses import dataclass


@dataclass(frozen=True)
class FeatureMap:
    """One output map of a backbone.

    Attributes:
        channels: Its channels.
        temporal_stride: Input frames per time step of the map.
        spatial_stride: Input pixels per map pixel; None for a map without
            spatial extent (1 x 1, pre-extracted features).
    """

    channels: int
    temporal_stride: int
    spatial_stride: int | None

    def spatial_size(self, crop_size: int | None) -> int:
        """The map's side for a ``crop_size`` x ``crop_size`` input clip."""
        if self.spatial_stride is None:
            return 1
        if crop_size is None:
            raise ValueError('model.crop_size is needed to size the parts after the backbone '
                             '(the side of the clips, e.g. 96)')
        return crop_size // self.spatial_stride
