"""Helpers that are not registered components: host-device transfers and tooling."""
from .host_copy import HostCopy

__all__ = ['HostCopy']
