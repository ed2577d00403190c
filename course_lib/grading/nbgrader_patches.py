"""Work nbgrader repeats for every cell or every gradebook it opens, done once per process.

Recording one graded submission took nbgrader about a third of a second of the grading
process's CPU, most of it in two places that compute the same thing again and again:

- **Cell metadata checks.** nbgrader checks every cell's ``nbgrader`` metadata with
  ``jsonschema.validate``, which first checks the *schema itself* against JSON Schema's
  meta-schema: 2.6 ms a cell, 0.1 s a submission. :class:`OneValidatorPerSchema` checks each
  schema and builds its validator once; each cell is checked as before and the same error
  is raised.
- **Gradebook engines.** Every ``nbgrader.api.Gradebook`` (about fifteen per recorded
  submission) makes a new SQLAlchemy engine, and an engine keeps the SQL it has compiled for
  its own use only: every query was compiled again each time (2.5 ms each, 1,700 of them for
  32 submissions). :func:`shared_engine` hands out one engine per database URL in this
  process. ``Gradebook.close()`` still disposes of it: that closes its idle connections and
  starts a new pool (connections a still-open Gradebook holds stay valid), but keeps what it
  compiled.

:func:`apply` installs both; ``configure`` calls it, so every process that loads the course's
nbgrader settings (``course``, ``nbgrader``, the tests) has them.
"""
from __future__ import annotations

import json
import threading
from collections import OrderedDict

#: Engines kept; beyond that the least recently used one is disposed of.
ENGINES_KEPT = 32

_engines: OrderedDict = OrderedDict()
_engines_lock = threading.Lock()


class OneValidatorPerSchema:
    """``jsonschema`` as nbgrader's metadata checks use it, each schema compiled once."""

    def __init__(self) -> None:
        import jsonschema

        self._jsonschema = jsonschema
        self._validators: dict[str, object] = {}

    def __getattr__(self, name):
        return getattr(self._jsonschema, name)

    def validate(self, instance, schema) -> None:
        key = json.dumps(schema, sort_keys=True)
        validator = self._validators.get(key)
        if validator is None:
            cls = self._jsonschema.validators.validator_for(schema)
            cls.check_schema(schema)
            validator = self._validators[key] = cls(schema)
        error = self._jsonschema.exceptions.best_match(validator.iter_errors(instance))
        if error is not None:
            raise error


def shared_engine(url, **kwargs):
    """``sqlalchemy.create_engine(url, **kwargs)``, the same engine for the same arguments."""
    from sqlalchemy import create_engine

    key = (str(url), json.dumps(kwargs, sort_keys=True, default=repr))
    with _engines_lock:
        engine = _engines.get(key)
        if engine is None:
            engine = _engines[key] = create_engine(url, **kwargs)
            while len(_engines) > ENGINES_KEPT:
                _engines.popitem(last=False)[1].dispose()
        _engines.move_to_end(key)
        return engine


def apply() -> None:
    """Install :class:`OneValidatorPerSchema` and :func:`shared_engine` in nbgrader (idempotent)."""
    from nbgrader import api
    from nbgrader.nbgraderformat import common

    if not isinstance(common.jsonschema, OneValidatorPerSchema):
        common.jsonschema = OneValidatorPerSchema()
    api.create_engine = shared_engine
