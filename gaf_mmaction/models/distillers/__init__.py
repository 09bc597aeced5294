"""Distillers: a frozen teacher trains a student."""
from .gaf_distiller import GAFDistiller, student_state_dict

__all__ = ['GAFDistiller', 'student_state_dict']
