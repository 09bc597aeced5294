"""Detection heads: coarse predictions and boundary-pooled refinement."""
from .afsd_head import AFSDHead, ScaleExp
from .proposal_branch import ProposalBranch
from .segment_regions import frame_segments, level_segments, segment_regions

__all__ = ['AFSDHead', 'ProposalBranch', 'ScaleExp', 'frame_segments', 'level_segments',
           'segment_regions']
