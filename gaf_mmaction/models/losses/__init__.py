"""Losses of GAF."""
from .cvae_loss import CVAELoss

__all__ = ['CVAELoss']
