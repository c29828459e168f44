"""Information flow between the neurons of recurrent networks (docs/flow.md): series, forecasters, flow measures.

May import only inforelay.core, tasks, nets, info, relay and analyses; torch only in flow.forecast (loaded lazily).
"""

from inforelay.core.lazy import lazy_exports
from inforelay.flow import (
    delayed,
    estimators,
    files,
    graph,
    layers,
    neurons,
    params,
    phases,
    result,
    selection,
    series,
    summary,
)
from inforelay.flow.delayed import *
from inforelay.flow.estimators import *
from inforelay.flow.files import *
from inforelay.flow.graph import *
from inforelay.flow.layers import *
from inforelay.flow.neurons import *
from inforelay.flow.params import *
from inforelay.flow.phases import *
from inforelay.flow.result import *
from inforelay.flow.selection import *
from inforelay.flow.series import *
from inforelay.flow.summary import *

# flow.forecast needs torch; the flow analysis jobs do not, so its names load on first use
__getattr__, __dir__, _FORECAST_NAMES = lazy_exports(__name__, ["forecast"])

__all__ = [
    *delayed.__all__, *estimators.__all__, *files.__all__, *graph.__all__, *layers.__all__, *neurons.__all__,
    *params.__all__, *phases.__all__, *result.__all__, *selection.__all__, *series.__all__, *summary.__all__,
    *_FORECAST_NAMES,
]
