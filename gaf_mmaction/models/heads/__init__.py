"""Detection heads: coarse predictions and boundary-pooled refinement."""
from .afsd_head import AFSDHead, ScaleExp
from .proposal_branch import ProposalBranch

__all__ = ['AFSDHead', 'ProposalBranch', 'ScaleExp']
