"""The ``inforelay`` command.

Subcommands are registered with :func:`register` (a name, a help line, a function that
adds the subcommand's arguments and a function that runs it), so further analyses can be
added without touching :func:`main`::

    inforelay relay ACTIVATIONS.h5 -o RELAY.h5 [--method kmeans|median] [--shuffles K] [--seed S]
                    [--threshold X] [--state all|hidden|cell]

Every error a command meets (missing or corrupted file, missing dataset, wrong dtypes,
shapes or values, an output path that is the input or a directory) ends it with exit
status 1 and one line on stderr that starts with the file it concerns; no traceback.
Bad arguments are usage errors (status 2).
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from inforelay.core.version import __version__

__all__ = ["Subcommand", "SUBCOMMANDS", "CommandError", "register", "build_parser", "check_output_path", "main"]


@dataclass(frozen=True)
class Subcommand:
    """One ``inforelay`` subcommand."""

    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]
    description: str | None = None
    files: tuple[str, ...] = ()
    """Argument names holding the files the command reads or writes; errors that name none of
    them are reported against the first."""


SUBCOMMANDS: dict[str, Subcommand] = {}
"""Registered subcommands by name (in registration order)."""


def register(
    name: str,
    help: str,
    configure: Callable[[argparse.ArgumentParser], None],
    run: Callable[[argparse.Namespace], int],
    *,
    description: str | None = None,
    files: Sequence[str] = (),
) -> Subcommand:
    """Register a subcommand; ``run(args)`` returns the exit status.

    ``files`` names the arguments that hold the command's files (see :class:`Subcommand`).

    Raises
    ------
    ValueError
        If ``name`` is already registered.
    """
    if name in SUBCOMMANDS:
        raise ValueError(f"subcommand {name!r} is already registered")
    command = Subcommand(name, help, configure, run, description, tuple(files))
    SUBCOMMANDS[name] = command
    return command


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every registered subcommand."""
    parser = argparse.ArgumentParser(
        prog="inforelay",
        description="Information relays of recurrent neural networks (Hintze, Najam & Schossau).",
    )
    parser.add_argument("--version", action="version", version=f"inforelay {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for command in SUBCOMMANDS.values():
        p = sub.add_parser(
            command.name,
            help=command.help,
            description=command.description or command.help,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        command.configure(p)
        p.set_defaults(_run=command.run, _files=command.files)
    return parser


class CommandError(Exception):
    """An error of a command about one file: printed as ``<path>: <problem>``."""

    def __init__(self, path: object, problem: str) -> None:
        self.path = str(path)
        super().__init__(f"{self.path}: {problem}")


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``inforelay``; returns the exit status (0 on success, 1 on any error of the command).

    Errors are printed as one line on stderr, without a traceback; a command's messages
    start with the file they concern (see :func:`_one_line`).
    """
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    # everything after a bare "--" is passed through (inforelay experiment: to Snakemake)
    passthrough = argv[argv.index("--") + 1:] if "--" in argv else []
    args = parser.parse_args(argv[: argv.index("--")] if "--" in argv else argv)
    args.passthrough = passthrough
    try:
        return int(args._run(args))
    except Exception as err:  # noqa: BLE001 - every error is one line, never a traceback
        print(_one_line(err, args), file=sys.stderr)
        return 1


def _one_line(err: Exception, args: argparse.Namespace) -> str:
    """The error as one line that starts with a file: its own path, else the command's input."""
    message = " ".join(str(err).split()) or type(err).__name__
    paths = [str(getattr(args, name)) for name in args._files if getattr(args, name, None)]
    if isinstance(err, CommandError) or any(message.startswith(f"{p}:") for p in paths):
        return message
    where = paths[0] if paths else f"inforelay {args.command}"
    detail = message if isinstance(err, (OSError, ValueError)) else f"{type(err).__name__}: {message}"
    return f"{where}: {detail}"


# ---------------------------------------------------------------------------
# inforelay relay
# ---------------------------------------------------------------------------

_RELAY_DESCRIPTION = """\
Relay information I_R[t, concept, unit] of a recording, for every time step and concept
(greedy search, Hintze & Adami 2023), for the hidden state and, when the file has one,
the LSTM cell state.

The input needs only four datasets (any float/int dtypes; samples first):
  hidden       (n, T, N)  unit states at every time step
  outputs      (n, T, C)  network outputs; the answer for concept c is outputs > threshold
  concepts     (n, C)     what the network must report: 0/1 per concept (bool, integers,
                          floats exactly 0.0/1.0; ±1 is read as 0/1)
  answer_step  (n,)       0-based step at which each sequence's answer is read
Optional: cell (n, T, N) (LSTM), attribute info_length (analysis step = info_length - 1;
default: the last step). Files written by the inforelay pipeline work as they are.

--threshold is 0 for tanh/±1 outputs (default); sigmoid outputs or probabilities need
--threshold 0.5 (all outputs in [0, 1] with threshold 0 is refused). The output file must
differ from the input, which is only read.
"""


def _configure_relay(p: argparse.ArgumentParser) -> None:
    """Arguments of ``inforelay relay``."""
    from inforelay.info import BINARIZATION_METHODS

    p.add_argument("activations", metavar="ACTIVATIONS.h5", help="recording (HDF5)")
    p.add_argument("-o", "--output", required=True, metavar="RELAY.h5", help="relay file to write")
    p.add_argument(
        "--method",
        choices=BINARIZATION_METHODS,
        default="kmeans",
        help="binarization of each unit (default: kmeans, exact 1-D 2-means)",
    )
    p.add_argument(
        "--shuffles",
        type=_non_negative_int,
        default=0,
        metavar="K",
        help="shuffle-null permutations of X_in per search (default: 0, off)",
    )
    p.add_argument("--seed", type=int, default=0, metavar="S", help="seed of the shuffles (default: 0)")
    p.add_argument(
        "--threshold",
        type=_finite_float,
        default=0.0,
        metavar="X",
        help="the answer is output > X (default: 0 for tanh outputs; 0.5 for sigmoid outputs)",
    )
    p.add_argument(
        "--state",
        choices=("all", "hidden", "cell"),
        default="all",
        help="states to analyse (default: all: hidden, and cell when present)",
    )


def _non_negative_int(text: str) -> int:
    """argparse type: an integer ``>= 0``."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {value}")
    return value


def _finite_float(text: str) -> float:
    """argparse type: a finite real number."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be finite, got {text!r}")
    return value


def check_output_path(output: str | os.PathLike[str], inputs: Sequence[str | os.PathLike[str]]) -> None:
    """Raise :class:`CommandError` (naming ``output``) if it is a directory or one of ``inputs``.

    Paths are compared resolved (symbolic links, ``..``) and, when both exist, with
    :func:`os.path.samefile` (hard links), so an input is never overwritten.
    """
    if os.path.isdir(output):
        raise CommandError(output, "is a directory; give the path of the file to write (-o)")
    for source in inputs:
        same = os.path.realpath(output) == os.path.realpath(source)
        if not same and os.path.exists(output) and os.path.exists(source):
            same = os.path.samefile(output, source)
        if same:
            raise CommandError(output, f"is the input file {source}; choose another output path (-o)")


def _run_relay(args: argparse.Namespace) -> int:
    """Relay of the chosen states of a recording, written to a relay file (docs/relay.md §6)."""
    from inforelay.core.recording_files import load_recording
    from inforelay.relay import (
        RelayWarning,
        relay_all_states,
        relay_file_attrs,
        write_relay,
    )

    check_output_path(args.output, [args.activations])
    inputs = load_recording(args.activations)
    states = None if args.state == "all" else (args.state,)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RelayWarning)
        results = relay_all_states(
            inputs,
            method=args.method,
            n_shuffles=args.shuffles,
            seed=args.seed,
            states=states,
            threshold=args.threshold,
        )
    for warning in caught:  # one line each, like the errors
        print(f"{' '.join(str(warning.message).split())} [{warning.category.__name__}]", file=sys.stderr)
    settings = {"binarization": args.method, "n_shuffles": args.shuffles, "seed": args.seed}
    if args.threshold != 0.0:
        settings["threshold"] = args.threshold
    attrs = relay_file_attrs(inputs.attrs, args.activations)
    write_relay(args.output, results, attrs, config_slice={"relay": settings})
    first = next(iter(results.values()))
    print(
        f"{args.output}: relay of {', '.join(results)}; {first.n_samples} samples, "
        f"{first.n_steps} steps, {first.n_concepts} concepts, {first.n_units} units, "
        f"analysis step {first.analysis_step}"
    )
    return 0


register(
    "relay",
    "relay information over time of a recording (HDF5 in, HDF5 out)",
    _configure_relay,
    _run_relay,
    description=_RELAY_DESCRIPTION,
    files=("activations", "output"),
)


# ---------------------------------------------------------------------------
# inforelay experiment
# ---------------------------------------------------------------------------

_EXPERIMENT_DESCRIPTION = """\
Run an experiment file (config/experiments/<name>.yaml: one open question, a few levels, each an
ordinary run of the workflow in <runs>/<name>/<level>/), or write its report: every level's
claims, the pre-registered trends, figures and summary.md (docs/open-questions.md).

  inforelay experiment run config/experiments/size.yaml --cores 8
  inforelay experiment run config/experiments/size.yaml -- --profile profiles/slurm
  inforelay experiment report config/experiments/size.yaml --out docs/open-questions/size
"""


def _configure_experiment(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=("run", "report"), help="run the levels, or report on them")
    p.add_argument("experiment", help="experiment file (YAML)")
    p.add_argument("--runs", default="runs", help="where the levels run (default: runs)")
    p.add_argument("--cores", type=int, default=2, help="Snakemake --cores per level (default 2)")
    p.add_argument("--level", action="append", dest="levels", help="only this level (repeatable)")
    p.add_argument("--out", help="report directory (default: <runs>/<name>/report)")
    p.add_argument("--overlay", help="config file merged over every level last (e.g. a tiny version)")
    p.epilog = "Arguments after a bare -- go to Snakemake."


def _run_experiment(args: argparse.Namespace) -> int:
    try:
        import snakemake  # noqa: F401  (the levels run it)
        import yaml  # noqa: F401
    except ImportError as missing:
        raise CommandError(args.experiment, f"experiments need the workflow extras ({missing.name} "
                           "is missing): pip install 'inforelay[workflow]'") from None
    from inforelay.experiments import load_experiment, run_experiment
    from inforelay.experiments.report import write_report

    experiment = load_experiment(args.experiment)
    if args.action == "run":
        overlay = None
        if args.overlay:
            import yaml

            overlay = yaml.safe_load(open(args.overlay)) or {}
        costs = run_experiment(experiment, args.runs, cores=args.cores, levels=args.levels,
                               extra=args.passthrough, overlay=overlay)
        for label, cost in costs.items():
            print(f"{experiment.name}/{label}: {cost['wall_s']:.0f} s wall, {cost['cpu_s']:.0f} s CPU")
        return 0
    out = args.out or os.path.join(args.runs, experiment.name, "report")
    print(write_report(experiment, args.runs, out))
    return 0


register(
    "experiment",
    "run an experiment file's levels, or report on them",
    _configure_experiment,
    _run_experiment,
    description=_EXPERIMENT_DESCRIPTION,
    files=("experiment",),
)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
