"""xpuplan from Python: what AI workloads cost and how fast they run on each
vendor's accelerators, and which mix of vendors, clouds and terms to buy.

One function per job of the CLI, with keyword arguments named as its flags in
snake_case (``--seq-len`` -> ``seq_len``) and the same defaults: an argument
left at None is not sent, so the job's own default applies, exactly as when the
flag is left out. Units are text as on the command line ("40 ms", "15T", "90
days") or plain numbers where the CLI takes a plain number. Each returns a
read-only Report with the fields of ``xpuplan <job> --json``; bad input raises
InputError with the CLI's located diagnostics. Reference: docs/python.md.

    import xpuplan
    r = xpuplan.train("llama3.1-70b", accelerator="h100-sxm", chips=1024, tokens="15T")
    print(r.layouts[0].estimate.mfu, r.train_time_s / 86400, "days")
    xpuplan.compare("llama3.1-70b", train=True, tokens="15T", chips=1024).to_pandas()
"""

from __future__ import annotations

import inspect
import json
import os
import tempfile
import threading
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

from . import _xpuplan
from ._results import Diagnostic, InputError, Record, Report, Rows

__all__ = [
    "catalog", "models", "prices", "train", "infer", "compare", "claims", "validate", "calibrate",
    "plan", "simulate", "run", "jobs", "data_dir", "Report", "Record", "Rows", "InputError", "Diagnostic",
]
__version__ = "0.1.0"


# ---- data ---------------------------------------------------------------

def _bundled_data() -> Path:
    return Path(__file__).resolve().parent / "data"


def data_dir() -> str:
    """The shipped data directory, found as the CLI finds it: $XPUPLAN_DATA,
    else the clone's data/ compiled into the extension; an installed package
    whose clone is gone falls back to the copy installed with it (and sets
    $XPUPLAN_DATA to it, so the jobs' own defaults, such as validate's shipped
    cases, read the same copy)."""
    compiled = _xpuplan.shipped_data_dir()
    if os.environ.get("XPUPLAN_DATA") or Path(compiled).is_dir():
        return compiled
    bundled = _bundled_data()
    if bundled.is_dir():
        os.environ["XPUPLAN_DATA"] = str(bundled)
        return str(bundled)
    return compiled  # loading it reports where it looked


_loaded: dict = {}
_loaded_lock = threading.Lock()


def _as_list(x: Any) -> list:
    if x is None:
        return []
    if isinstance(x, (str, os.PathLike)):
        return [os.fspath(x)]
    return [os.fspath(p) for p in x]


def _data(catalog: Any, prices: Any):
    """The shipped data, then each `catalog` directory, then each `prices`
    file (as --catalog/--prices), loaded once per process and shared."""
    dirs = [data_dir()] + _as_list(catalog)
    files = _as_list(prices)
    key = (tuple(dirs), tuple(files))
    with _loaded_lock:
        if key in _loaded:
            return _loaded[key]
    handle, diagnostics = _xpuplan.load(dirs, files)
    if handle is None:
        raise InputError([Diagnostic(**d) for d in diagnostics])
    with _loaded_lock:
        _loaded.setdefault(key, handle)
        return _loaded[key]


# ---- running a job ------------------------------------------------------

def jobs() -> list:
    """Every job as (name, one-line summary, long_running), in the CLI's order."""
    return [tuple(k) for k in _xpuplan.kinds()]


def _field(value: Any) -> Any:
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, (list, tuple)):
        return [_field(v) for v in value]
    return value


def run(kind: str, request: Optional[dict] = None, *, catalog: Any = None, prices: Any = None,
        progress: Optional[Callable[[int, int], None]] = None, max_threads: int = 0,
        _rename: Optional[dict] = None) -> Report:
    """Runs job `kind` on `request` (a dict whose fields are the CLI's flag
    names in snake_case) and returns its Report. The functions below are this
    with keyword arguments; None values are left out (the job's default)."""
    fields = {k: _field(v) for k, v in (request or {}).items() if v is not None}
    text, outcome, diagnostics = _xpuplan.run(kind, json.dumps(fields), _data(catalog, prices), max_threads, progress)
    found = [Diagnostic(**d) for d in diagnostics]
    if _rename:  # a temporary file standing for a portfolio given as text or a dict
        found = [_renamed(d, _rename) for d in found]
    if text is None:
        raise InputError(found)
    return Report(kind, json.loads(text), outcome == "answered", found)


def _renamed(d: Diagnostic, names: dict) -> Diagnostic:
    if d.file not in names:
        return d
    new = names[d.file]
    return Diagnostic(d.severity, d.message, new, d.line, d.column, d.pointer, d.text.replace(d.file, new, 1))


def _job(kind: str, params: Iterable[str], positional: Iterable[str] = (), doc: str = "",
         special: Optional[Callable] = None):
    """A function for job `kind` whose keyword arguments are `params` (all
    defaulting to None), plus catalog= and prices= (data, as --catalog and
    --prices) and **more (any other field, which the job checks)."""
    positional = list(positional)
    P = inspect.Parameter
    sig = [P(n, P.POSITIONAL_OR_KEYWORD, default=None) for n in positional]
    sig += [P(n, P.KEYWORD_ONLY, default=None) for n in params if n not in positional]
    sig += [P("catalog", P.KEYWORD_ONLY, default=None), P("prices", P.KEYWORD_ONLY, default=None),
            P("more", P.VAR_KEYWORD)]
    signature = inspect.Signature(sig)

    def call(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        fields = {k: v for k, v in bound.arguments.items() if k not in ("catalog", "prices", "more")}
        fields.update(bound.arguments.get("more", {}))
        catalog_, prices_ = bound.arguments.get("catalog"), bound.arguments.get("prices")
        if special:
            return special(fields, catalog_, prices_)
        return run(kind, fields, catalog=catalog_, prices=prices_)

    call.__name__ = call.__qualname__ = kind
    call.__signature__ = signature
    call.__doc__ = doc + (
        "\n\nArguments are `xpuplan " + kind + "`'s flags in snake_case; None (left out) is the CLI's default."
        "\ncatalog=: extra data directories (as --catalog); prices=: price files (as --prices)."
    )
    return call


# ---- portfolios given as text or a dict ----------------------------------

def _portfolio_file(value: Any, tmp: str, names: dict) -> Any:
    """A path stays a path; YAML text or a dict is written to a file in `tmp`
    (diagnostics then name it "<portfolio>", with the text's lines)."""
    if value is None or isinstance(value, os.PathLike):
        return value
    if isinstance(value, dict):
        text = json.dumps(value, indent=2)  # JSON is YAML
    elif isinstance(value, str) and ("\n" in value or not os.path.exists(value)) and ":" in value:
        text = value
    else:
        return value
    path = os.path.join(tmp, "portfolio.yaml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    names[path] = "<portfolio>"
    return path


def _with_portfolio(kind: str):
    def special(fields: dict, catalog_: Any, prices_: Any) -> Report:
        with tempfile.TemporaryDirectory(prefix="xpuplan-") as tmp:
            names: dict = {}
            fields["portfolio"] = _portfolio_file(fields.get("portfolio"), tmp, names)
            saved = fields.get("plan")
            if kind == "simulate" and isinstance(saved, (Record, dict)):  # a plan() report, as `plan --json > plan.json`
                path = os.path.join(tmp, "plan.json")
                with open(path, "w", encoding="utf-8") as f:
                    json.dump(saved.to_dict() if isinstance(saved, Record) else saved, f)
                names[path] = "<plan>"
                fields["plan"] = path
            progress = fields.pop("progress", None) if kind == "simulate" else None
            return run(kind, fields, catalog=catalog_, prices=prices_, progress=progress, _rename=names)
    return special


def _validate(fields: dict, catalog_: Any, prices_: Any) -> Report:
    components = fields.pop("components", None)
    return run("components" if components else "validate", fields, catalog=catalog_, prices=prices_)


# ---- one function per job -------------------------------------------------

catalog = _job("catalog", ["show", "vendor", "systems", "accelerator"], ["show"],
               "Accelerators (or systems=True: systems; show=KEY: one accelerator with every source).")
models = _job("models", ["show"], ["show"],
              "Shipped models, or show=KEY (or a Hugging Face config.json path): one model.")
prices = _job("prices", ["accelerator", "provider", "term", "region", "purchase"], [],
              "Cloud offers by provider, region and term (purchase=True: purchase prices).")
train = _job("train", ["model", "accelerator", "chips", "tokens", "seq_len", "global_batch", "precision", "stack",
                       "tp", "pp", "dp", "cp", "ep", "vpp", "micro_batch", "recompute", "sharding",
                       "sequence_parallel", "top", "memory_margin", "threads"], ["model"],
             "Time, memory and MFU of a training run, with the best parallel layout.")
infer = _job("infer", ["model", "accelerator", "chips", "tp", "pp", "ep", "attn_dp", "precision", "kv_precision",
                       "attention_precision", "weight_only", "input_len", "output_len", "batch", "rate", "ttft_slo",
                       "tpot_slo", "scenario", "max_num_tokens", "stack"], ["model"],
             "Latency, throughput and cost of a serving deployment.")
compare = _job("compare", ["model", "train", "infer", "tokens", "chips", "deadline", "seq_len", "global_batch",
                           "precision", "kv_precision", "attention_precision", "rate", "input_len", "output_len",
                           "ttft_slo", "tpot_slo", "max_num_tokens", "term", "region", "utilization", "electricity",
                           "pue", "life", "baseline", "accelerators", "sensitivity", "threads"], ["model"],
               "Every accelerator ranked for one training run (train=True) or service (infer=True).")
claims = _job("claims", ["threads"], [], "Vendor price-performance claims checked against the engines (Markdown).")
validate = _job("validate", ["cases", "models", "mode", "threads", "components"], ["cases"],
                "The engines against published measurements (components=True: kernels against microbenchmarks).",
                special=_validate)
calibrate = _job("calibrate", ["cases", "date", "threads"], ["cases"],
                 "Fit each stack's software parameters to the published cases.")
plan = _job("plan", ["portfolio", "time_limit", "gap", "threads", "no_baselines", "fluid"], ["portfolio"],
            "The cheapest executable portfolio of offers. portfolio: a path, YAML text or a dict.",
            special=_with_portfolio("plan"))
simulate = _job("simulate", ["portfolio", "plan", "scenario", "risks", "replicas", "seed", "policy", "months",
                             "threads", "time_limit", "gap", "progress"], ["portfolio"],
                "The plan under supply shocks, failures and spot reclaims (Monte Carlo). portfolio: a path, YAML "
                "text or a dict; plan: a saved plan's path, or a plan() report; progress: called as "
                "progress(done, total) between blocks of replicas.",
                special=_with_portfolio("simulate"))
