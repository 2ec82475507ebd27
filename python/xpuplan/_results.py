"""Read-only results: the CLI's --json report as nested attribute objects."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any, Iterator


def _wrap(value: Any) -> Any:
    if isinstance(value, dict):
        return Record(value)
    if isinstance(value, list):
        return Rows(value)
    return value


class Record:
    """One JSON object: fields as attributes (``r.summary.cost``) or items
    (``r["summary"]``); read-only. ``to_dict()`` gives a deep copy of the JSON."""

    __slots__ = ("_d",)

    def __init__(self, fields: dict):
        object.__setattr__(self, "_d", fields)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            return _wrap(self._d[name])
        except KeyError:
            raise AttributeError(
                f"no field '{name}'; the fields are {', '.join(self._d) or '(none)'}"
            ) from None

    def __getitem__(self, name: str) -> Any:
        return _wrap(self._d[name])

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("xpuplan results are read-only; use to_dict() for a copy to change")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("xpuplan results are read-only")

    def __contains__(self, name: object) -> bool:
        return name in self._d

    def __iter__(self) -> Iterator[str]:
        return iter(self._d)

    def __len__(self) -> int:
        return len(self._d)

    def keys(self):
        return self._d.keys()

    def get(self, name: str, default: Any = None) -> Any:
        return _wrap(self._d[name]) if name in self._d else default

    def __dir__(self):
        return sorted(set(super().__dir__()) | {k for k in self._d if k.isidentifier()})

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Record):
            return self._d == other._d
        if isinstance(other, dict):
            return self._d == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        text = json.dumps(self._d)
        return f"{type(self).__name__}({text if len(text) <= 200 else text[:197] + '...'})"

    def to_dict(self) -> dict:
        return copy.deepcopy(self._d)


class Rows(tuple):
    """One JSON array: a tuple of Records (or plain values); ``to_pandas()``
    gives a DataFrame with one row per element, nested fields flattened as
    ``"price.offer"``."""

    def __new__(cls, items: list):
        self = super().__new__(cls, (_wrap(x) for x in items))
        self._raw = items
        return self

    def to_list(self) -> list:
        return copy.deepcopy(self._raw)

    def to_pandas(self):
        try:
            import pandas
        except ImportError as e:  # pandas is optional
            raise ImportError("to_pandas() needs pandas (Debian: apt-get install python3-pandas)") from e
        if all(isinstance(x, dict) for x in self._raw):
            return pandas.json_normalize(copy.deepcopy(self._raw))
        return pandas.DataFrame({"value": self.to_list()})


# The field that holds each job's table, for Report.to_pandas().
_TABLES = {"compare": "options", "validate": "cases"}


def _month_columns(value: Any, path: str, months: int, out: dict) -> None:
    """Every series of `months` numbers under `value`, as columns named by their path."""
    if isinstance(value, dict):
        for k, v in value.items():
            _month_columns(v, f"{path}.{k}" if path else k, months, out)
    elif (isinstance(value, list) and len(value) == months
          and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in value)):
        out[path] = value


def _plan_months(report: dict):
    """A plan's summary by month: one row per month of the horizon, one column
    per monthly series (cost.by_month, chips_by_vendor.nvidia, ...)."""
    import pandas

    horizon = report.get("horizon") or {}
    months = int(horizon.get("months") or 0)
    if "summary" not in report or months <= 0:
        raise TypeError(f"this plan has no months to tabulate (status: {report.get('status')})")
    columns: dict = {}
    _month_columns(report["summary"], "", months, columns)
    for w in report["summary"].get("workloads", []):  # each workload's progress and chips by month
        _month_columns({k: w[k] for k in ("progress", "chips") if k in w}, f"workloads.{w.get('name')}", months,
                       columns)
    start = pandas.Period(horizon["start"], freq="M") if horizon.get("start") else None
    index = [str(start + i) for i in range(months)] if start is not None else list(range(months))
    return pandas.DataFrame(columns, index=pandas.Index(index, name="month"))


class Report(Record):
    """A job's report: the fields of the CLI's ``--json`` for the same request,
    plus ``kind`` (the job), ``answered`` (False when no option meets the
    request: no layout fits, no plan) and ``notes`` (warnings and notes, as
    the CLI prints them on stderr)."""

    __slots__ = ("_kind", "_answered", "_notes")

    def __init__(self, kind: str, fields: dict, answered: bool, notes: list):
        super().__init__(fields)
        object.__setattr__(self, "_kind", kind)
        object.__setattr__(self, "_answered", answered)
        object.__setattr__(self, "_notes", tuple(notes))

    @property
    def kind(self) -> str:
        return self._kind

    @property
    def answered(self) -> bool:
        return self._answered

    @property
    def notes(self) -> tuple:
        return self._notes

    def __repr__(self) -> str:
        return f"<xpuplan {self._kind} report: {', '.join(self._d)}>"

    def to_pandas(self):
        """The report's table as a DataFrame: compare's options, validate's
        cases, plan's months (its summary's monthly series, one row per
        month). Other lists: ``report.<field>.to_pandas()``."""
        if self._kind == "plan":
            try:
                import pandas  # noqa: F401
            except ImportError as e:
                raise ImportError("to_pandas() needs pandas (Debian: apt-get install python3-pandas)") from e
            return _plan_months(self._d)
        key = _TABLES.get(self._kind)
        if key is None or key not in self._d:
            lists = [k for k, v in self._d.items() if isinstance(v, list)]
            raise TypeError(
                f"a {self._kind} report has no single table; call to_pandas() on one of its lists: "
                + (", ".join(lists) or "(none)")
            )
        return Rows(self._d[key]).to_pandas()


@dataclass(frozen=True)
class Diagnostic:
    """One located message, as the CLI prints it (``text``)."""

    severity: str  # "error", "warning" or "note"
    message: str
    file: str = ""
    line: int = 0
    column: int = 0
    pointer: str = ""  # a JSON pointer to the request's field ("/chips"), when not in a file
    text: str = ""  # "file:line:col: error: message" or "/chips: error: message"

    def __str__(self) -> str:
        return self.text or self.message


class InputError(ValueError):
    """Bad input: the request's fields, a file it names, or the data. The
    message is the CLI's text; ``diagnostics`` holds every located problem."""

    def __init__(self, diagnostics: list):
        self.diagnostics = tuple(diagnostics)
        super().__init__("\n".join(str(d) for d in self.diagnostics))

    @property
    def errors(self) -> tuple:
        return tuple(d for d in self.diagnostics if d.severity == "error")
