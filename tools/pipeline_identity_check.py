"""Byte-identity of the pipeline's knockout, noise and step-wise runs between two checkouts.

Usage: python tools/pipeline_identity_check.py CHECKOUT  (prints one digest per architecture;
run it for two checkouts and compare).
"""
import sys, hashlib, numpy as np, torch
sys.path.insert(0, sys.argv[1] + "/src")
from inforelay.nets.models import build_network
from inforelay.analyses.knockout import knockout_experiment
from inforelay.analyses.noise import noise_experiment
from inforelay.nets.stepwise import run_stepwise
import inspect
torch.manual_seed(0)
for arch in ("rnn", "gru", "lstm"):
    sig = inspect.signature(build_network)
    net = build_network(arch, n_inputs=2, n_hidden=6, n_outputs=2, seed=1) if "seed" in sig.parameters else build_network(arch, 2, 6, 2)
    class D: pass
    d = D(); rng = np.random.default_rng(0)
    d.inputs = rng.normal(size=(300, 8, 2)).astype(np.float32); d.targets = np.sign(rng.normal(size=(300, 2))); d.answer_step = np.full(300, 7)
    rank = rng.random((2, 6))
    h = hashlib.sha256()
    for abl in ("zero", "mean", "resample"):
        h.update(knockout_experiment(net, d, rank, knockout_step=3, seed=2, ablation=abl, set_kinds=("relay","random","nonrelay")).to_csv().encode())
    h.update(noise_experiment(net, d, rank, noise_step=3, levels=[0.1, 0.5], k=2, n_random=3, seed=3).to_csv().encode())
    r = run_stepwise(net, d.inputs); h.update(r.hidden.tobytes()); h.update(r.outputs.tobytes())
    print(arch, h.hexdigest()[:16])
