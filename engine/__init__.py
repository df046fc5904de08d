"""A DMN-style decision-table engine: Excel tables in, decisions out.

>>> import engine
>>> model = engine.load("tables")                                    # doctest: +SKIP
>>> result = model.decide("registrering", {"yrkesroll": "läkare", "kontakt": "1177 direkt",
...     "ärendetyp": "receptförnyelse", "vidare": "nej", "ersätter_besök": False})  # doctest: +SKIP
>>> result.output["vårdkontakt"], result.matched                    # doctest: +SKIP
('Text som inte ersätter besök', ('R12',))
"""

from engine.api import Loaded, Model, Result, load, read
from engine.diagnostics import Diagnostic, Severity
from engine.errors import DecisionError, EngineError, InputError, LoadError, UnknownDecisionError

__all__ = [
    "load",
    "read",
    "Model",
    "Result",
    "Loaded",
    "Diagnostic",
    "Severity",
    "EngineError",
    "LoadError",
    "InputError",
    "UnknownDecisionError",
    "DecisionError",
]
