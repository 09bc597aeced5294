# gaf_tiny.py whose rank `custom_hooks.0.rank` fails after training (see FailOnRankHook).
_base_ = ['./gaf_tiny.py']

custom_imports = dict(imports=['gaf_mmaction', 'tests.e2e.kill_hook'], allow_failed_imports=False)
custom_hooks = [dict(type='FailOnRankHook', rank=1, how='raise')]
