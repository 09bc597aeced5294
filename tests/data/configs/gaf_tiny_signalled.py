# gaf_tiny.py with a hook that signals the run as $GAF_TEST_SIGNAL_PLAN says (SignalPlanHook),
# and a moving average of the weights, which a resumed run must continue too.
_base_ = ['./gaf_tiny.py']

custom_imports = dict(imports=['gaf_mmaction', 'tests.e2e.signal_hook'],
                      allow_failed_imports=False)
# Before CheckpointHook and PreemptionHook, so that their work of a stage follows the signal.
custom_hooks = [dict(type='SignalPlanHook', priority='VERY_HIGH'),
                dict(type='DetectorEMAHook', momentum=0.1)]
