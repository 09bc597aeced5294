"""GAF's generative attention module: attention heads, fg/bg split and CVAE."""
from .attention_head import TemporalAttentionHead
from .cvae import FeatureCVAE
from .feature_split import split_foreground_background
from .generative_attention import GenerativeAttention

__all__ = ['FeatureCVAE', 'GenerativeAttention', 'TemporalAttentionHead',
           'split_foreground_background']
