# gaf_tiny.py with a hook that SIGKILLs the run after `custom_hooks.0.iteration` iterations.
_base_ = ['./gaf_tiny.py']

custom_imports = dict(imports=['gaf_mmaction', 'tests.e2e.kill_hook'], allow_failed_imports=False)
# Lowest priority: the iteration is logged before the kill.
custom_hooks = [dict(type='KillAtIterHook', iteration=5, priority='LOWEST')]
