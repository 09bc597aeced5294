# THUMOS14 TV-L1 optical flow windows: as ./thumos14_rgb.py, the 'video' files holding
# [T, 112, 112, 2] uint8 flow (x, y) per frame.
_base_ = ['./thumos14_rgb.py']

train_dataloader = dict(dataset=dict(data_prefix=dict(video='validation_flow_npy'),
                                     channels=dict(video=2)))
test_dataloader = dict(dataset=dict(data_prefix=dict(video='test_flow_npy'),
                                    channels=dict(video=2)))
val_dataloader = test_dataloader
