"""Byte-identity of the pipeline's knockout, noise, step-wise, relay (relay, relay_null) and training runs between two checkouts.

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

# the relay stages on a pipeline activation file: relay over time and the shuffle null
import tempfile, os, warnings
warnings.simplefilter("ignore")
import pandas as pd
from inforelay.tasks import generate
from inforelay.nets.record import record_activations
from inforelay.nets.recording import write_activations
from inforelay.pipeline.steps.relay import relay
from inforelay.pipeline.steps.relay_null import relay_null
from inforelay.relay import read_relay
with tempfile.TemporaryDirectory() as tmp:
    data = generate("memory", 300, "random", 4)
    for arch in ("rnn", "gru", "lstm"):
        net = build_network(arch, 3, seed=1)
        attrs = {"task": "memory", "model": arch, "delay_regime": "random", "replicate": 0, "seed": 1,
                 "accuracy": 1.0, "epochs": 1, "restarts": 0, "info_length": int(data.info_length),
                 "event_steps": [int(s) for s in data.event_steps], "concept_names": ["A", "B", "C"]}
        acts, out = os.path.join(tmp, arch + ".h5"), os.path.join(tmp, arch + ".relay.h5")
        arrays = record_activations(net, data)
        # answers that follow the concepts (an untrained network's are constant: nothing to relay)
        arrays["outputs"] = np.repeat(arrays["targets"][:, None, :], arrays["hidden"].shape[1], axis=1)
        write_activations(acts, arrays, attrs)
        key = {"task": "memory", "model": arch, "delay_regime": "random", "replicate": "00"}
        relay(key, acts, out, {"binarization": "kmeans", "n_shuffles": 5})
        h = hashlib.sha256()
        for state, res in read_relay(out).items():
            for name in ("contribution", "node_relay", "full", "order", "curve", "null_mean", "p_value"):
                h.update(np.ascontiguousarray(getattr(res, name)).tobytes())
        t_k, steps = os.path.join(tmp, arch + ".null.csv"), os.path.join(tmp, arch + ".steps.csv")
        relay_null(key, acts, out, t_k, steps, {"n_shuffles": 3}, {"binarization": "kmeans"})
        h.update(pd.read_csv(steps).to_csv().encode())
        print(arch, "relay", h.hexdigest()[:16])

# training (the fused forward; no training.dropout key): weights and history of a short training
from inforelay.nets.training import TrainingConfig, train_network
from inforelay.tasks.generate import generate
for arch in ("rnn", "gru", "lstm"):
    result = train_network(arch, generate("memory", 400, 2, 1), generate("memory", 200, 2, 2),
                           TrainingConfig(n_hidden=8, max_epochs=40, target_accuracy=0.9, max_restarts=1), seed=7)
    h = hashlib.sha256(b"".join(v.numpy().tobytes() for v in result.network.state_dict().values()))
    h.update(result.history.to_csv().encode())
    print(arch, "train", h.hexdigest()[:16])
