"""The small core every other package may use: seeds, provenance, atomic writes, HDF5, recordings, keys, stats, checks.

May import nothing of inforelay outside core (plus numpy, scipy, pandas, h5py); never torch.
Modules are imported directly (``from inforelay.core.keys import NetworkKey``); this package
re-exports nothing, so that importing one helper never loads the others.
"""
