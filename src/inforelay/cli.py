"""The ``inforelay`` command.

Subcommands are registered with :func:`register` (a name, a help line, a function that
adds the subcommand's arguments and a function that runs it), so further analyses can be
added without touching :func:`main`::

    inforelay relay ACTIVATIONS.h5 -o RELAY.h5 [--method kmeans|median] [--shuffles K] [--seed S]

Errors about inputs (missing file, not HDF5, missing dataset, wrong shapes, bad values)
end the command with exit status 1 and one line on stderr that names the file.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from inforelay import __version__

__all__ = ["Subcommand", "SUBCOMMANDS", "register", "build_parser", "main"]


@dataclass(frozen=True)
class Subcommand:
    """One ``inforelay`` subcommand."""

    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]
    description: str | None = None


SUBCOMMANDS: dict[str, Subcommand] = {}
"""Registered subcommands by name (in registration order)."""


def register(
    name: str,
    help: str,
    configure: Callable[[argparse.ArgumentParser], None],
    run: Callable[[argparse.Namespace], int],
    *,
    description: str | None = None,
) -> Subcommand:
    """Register a subcommand; ``run(args)`` returns the exit status.

    Raises
    ------
    ValueError
        If ``name`` is already registered.
    """
    if name in SUBCOMMANDS:
        raise ValueError(f"subcommand {name!r} is already registered")
    command = Subcommand(name, help, configure, run, description)
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
        p.set_defaults(_run=command.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``inforelay``; returns the exit status (0 on success, 1 on an input error)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args._run(args))
    except (FileNotFoundError, OSError, ValueError, KeyError) as err:
        message = " ".join(str(err).split()) or type(err).__name__
        print(f"inforelay {args.command}: error: {message}", file=sys.stderr)
        return 1


# ---------------------------------------------------------------------------
# inforelay relay
# ---------------------------------------------------------------------------

_RELAY_DESCRIPTION = """\
Relay information I_R[t, concept, unit] of a recording, for every time step and concept
(greedy search, Hintze & Adami 2023), for the hidden state and, when the file has one,
the LSTM cell state.

The input needs only four datasets (any float/int dtypes; samples first):
  hidden       (n, T, N)  unit states at every time step
  outputs      (n, T, C)  network outputs; the answer for concept c is outputs > 0
  concepts     (n, C)     what the network must report (0/1 per concept)
  answer_step  (n,)       0-based step at which each sequence's answer is read
Optional: cell (n, T, N) (LSTM), attribute info_length (analysis step = info_length - 1;
default: the last step). Files written by the inforelay pipeline work as they are.
"""

# attributes of the activation file that are copied to the relay file
_COPIED_ATTRS = (
    "task",
    "model",
    "delay_regime",
    "replicate",
    "info_length",
    "event_steps",
    "concept_names",
)


def _configure_relay(p: argparse.ArgumentParser) -> None:
    from inforelay.info.measures import BINARIZATION_METHODS

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
        "--state",
        choices=("all", "hidden", "cell"),
        default="all",
        help="states to analyse (default: all: hidden, and cell when present)",
    )


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {value}")
    return value


def _run_relay(args: argparse.Namespace) -> int:
    from inforelay.relay.search import read_relay_inputs, relay_over_time, write_relay

    inputs = read_relay_inputs(args.activations)
    if args.state == "all":
        states = ["hidden"] + (["cell"] if inputs.cell is not None else [])
    else:
        states = [args.state]
    results = {
        state: relay_over_time(
            inputs, state=state, method=args.method, n_shuffles=args.shuffles, seed=args.seed
        )
        for state in states
    }
    settings = {"binarization": args.method, "n_shuffles": args.shuffles, "seed": args.seed}
    attrs = {key: inputs.attrs[key] for key in _COPIED_ATTRS if key in inputs.attrs}
    attrs["source"] = str(args.activations)
    write_relay(args.output, results, attrs, config_slice={"relay": settings})
    first = results[states[0]]
    print(
        f"{args.output}: relay of {', '.join(states)}; {first.n_samples} samples, "
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
)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
