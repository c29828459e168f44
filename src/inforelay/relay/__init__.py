"""Relay information of recurrent networks: input checks, the greedy search, relay over time, relay files.

May import only inforelay.core, tasks and info (plus numpy, scipy, h5py); never torch or inforelay.nets.
"""

from inforelay.relay.bias import (
    corrected_relay,
    relay_shuffle_null,
    summarize_shuffle_null,
)
from inforelay.relay.files import (
    COPIED_ATTRS,
    RelayFileError,
    read_relay,
    read_relay_attrs,
    relay_file_attrs,
    write_relay,
)
from inforelay.relay.kernel import TIE_TOLERANCE
from inforelay.relay.over_time import (
    available_states,
    relay_all_states,
    relay_over_time,
)
from inforelay.relay.result import STATES, RelayOverTime, RelayResult, loss_at_removal
from inforelay.relay.search import greedy_relay, relay_information
from inforelay.relay.summary import RELAY_TABLE_COLUMNS, relay_summary
from inforelay.relay.validation import (
    RelayWarning,
    binarize_outputs,
    check_concepts,
    relay_inputs,
)

__all__ = [
    "COPIED_ATTRS",
    "RELAY_TABLE_COLUMNS",
    "STATES",
    "TIE_TOLERANCE",
    "RelayFileError",
    "RelayOverTime",
    "RelayResult",
    "RelayWarning",
    "available_states",
    "binarize_outputs",
    "check_concepts",
    "corrected_relay",
    "greedy_relay",
    "loss_at_removal",
    "read_relay",
    "read_relay_attrs",
    "relay_all_states",
    "relay_file_attrs",
    "relay_information",
    "relay_inputs",
    "relay_over_time",
    "relay_shuffle_null",
    "relay_summary",
    "summarize_shuffle_null",
    "write_relay",
]
