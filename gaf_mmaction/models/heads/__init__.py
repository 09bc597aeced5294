"""Detection heads: the interface detectors call, and AFSD's coarse-and-refined head."""
from .afsd_head import AFSDHead, ScaleExp
from .base_temporal_head import BaseTemporalHead
from .proposal_branch import ProposalBranch

__all__ = ['AFSDHead', 'BaseTemporalHead', 'ProposalBranch', 'ScaleExp']
