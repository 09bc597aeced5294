# The documented entry point of the flow stream: GAF on THUMOS14 optical flow,
# configs/gaf/gaf_i3d_1xb1-256x96x96-16e_thumos14-flow.py
_base_ = ['./gaf/gaf_i3d_1xb1-256x96x96-16e_thumos14-flow.py']
