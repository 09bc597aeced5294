# MMAction2's recognizer schedule (its _base_/schedules/sgd_100e.py): SGD for 100 epochs, the
# rate divided by 10 at epochs 40 and 80, validation every epoch.
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=100, val_begin=1, val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
param_scheduler = [dict(type='MultiStepLR', begin=0, end=100, by_epoch=True,
                        milestones=[40, 80], gamma=0.1)]
optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=0.0001),
                     clip_grad=dict(max_norm=40, norm_type=2))
auto_scale_lr = dict(enable=False, base_batch_size=64)
