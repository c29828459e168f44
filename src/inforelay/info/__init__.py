"""Information measures on discrete samples: binarization, dense codes, entropies and MI.

May import only inforelay.core (plus numpy, scikit-learn); never torch or inforelay.nets.
"""

from inforelay.info.binarization import (
    BINARIZATION_METHODS,
    BinarizationMethod,
    binarize,
)
from inforelay.info.codes import (
    dense_labels,
    joint_codes,
    pack_codes,
    pack_codes_with_count,
)
from inforelay.info.measures import (
    co_information,
    conditional_co_information,
    conditional_mutual_information,
    entropy,
    entropy_from_counts,
    mutual_information,
)

__all__ = [
    "BINARIZATION_METHODS",
    "BinarizationMethod",
    "binarize",
    "dense_labels",
    "joint_codes",
    "pack_codes",
    "pack_codes_with_count",
    "co_information",
    "conditional_co_information",
    "conditional_mutual_information",
    "entropy",
    "entropy_from_counts",
    "mutual_information",
]
