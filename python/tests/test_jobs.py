"""Every function against the CLI's --json for the same request, and the
package's behaviour: results, errors, no answer, data selection."""

import inspect
import json
import os
from pathlib import Path

import pytest

import xpuplan


def test_every_job_of_the_cli_has_a_function():
    names = [k[0] for k in xpuplan.jobs()]
    assert len(names) >= 12
    for name in names:
        if name == "components":  # validate(components=True), as `validate --components`
            continue
        assert callable(getattr(xpuplan, name)), name


def test_catalog_equals_the_cli(cli_json):
    assert xpuplan.catalog().to_dict() == cli_json("catalog")
    assert xpuplan.catalog(vendor="google").to_dict() == cli_json("catalog", "--vendor", "google")
    assert xpuplan.catalog("h100-sxm").to_dict() == cli_json("catalog", "show", "h100-sxm")
    assert xpuplan.catalog(systems=True).to_dict() == cli_json("catalog", "systems")


def test_models_equal_the_cli(cli_json):
    assert xpuplan.models().to_dict() == cli_json("models")
    assert xpuplan.models("llama3.1-70b").to_dict() == cli_json("models", "show", "llama3.1-70b")


def test_prices_equal_the_cli(cli_json):
    assert xpuplan.prices(accelerator="h100-sxm").to_dict() == cli_json("prices", "--accelerator", "h100-sxm")
    assert xpuplan.prices(provider="gcp", term="1y").to_dict() == cli_json("prices", "--provider", "gcp", "--term", "1y")


def test_train_equals_the_cli(cli_json):
    r = xpuplan.train("llama3.1-8b", accelerator="h100-sxm", chips=64, tokens="1T", seq_len=8192)
    assert r.answered and r.kind == "train"
    assert r.to_dict() == cli_json("train", "--model", "llama3.1-8b", "-a", "h100-sxm", "-n", "64", "--tokens", "1T",
                                   "--seq-len", "8192")
    # Units as text or as a plain number give the same request.
    assert xpuplan.train("llama3.1-8b", accelerator="h100-sxm", chips=64, tokens=1e12, seq_len=8192) == r


def test_infer_equals_the_cli(cli_json):
    r = xpuplan.infer("llama3.1-8b", accelerator="h100-sxm", rate=5, ttft_slo="1 s", tpot_slo="40 ms")
    assert r.to_dict() == cli_json("infer", "--model", "llama3.1-8b", "-a", "h100-sxm", "--rate", "5",
                                   "--ttft-slo", "1 s", "--tpot-slo", "40 ms")


def test_infer_takes_the_engines_token_budget(cli_json):
    # TensorRT-LLM max_num_tokens / vLLM max_num_batched_tokens: a named argument, the CLI's answer.
    assert "max_num_tokens" in inspect.signature(xpuplan.infer).parameters
    assert "max_num_tokens" in inspect.signature(xpuplan.compare).parameters
    r = xpuplan.infer("llama3.1-8b", accelerator="h100-sxm", tp=1, max_num_tokens=256)
    assert r.to_dict()["max_num_tokens"] == 256
    assert r.to_dict() == cli_json("infer", "--model", "llama3.1-8b", "-a", "h100-sxm", "--tp", "1",
                                   "--max-num-tokens", "256")
    assert r.to_dict()["estimate"] != xpuplan.infer("llama3.1-8b", accelerator="h100-sxm", tp=1).to_dict()["estimate"]
    with pytest.raises(xpuplan.InputError) as bad:
        xpuplan.infer("llama3.1-8b", accelerator="h100-sxm", max_num_batched_tokens=256)
    assert "did you mean 'max_num_tokens'" in str(bad.value)


def test_compare_equals_the_cli_and_gives_a_table(cli_json):
    r = xpuplan.compare("llama3.1-8b", train=True, tokens="1T", chips=64)
    assert r.to_dict() == cli_json("compare", "--model", "llama3.1-8b", "--train", "--tokens", "1T", "--chips", "64")
    pd = pytest.importorskip("pandas")
    df = r.to_pandas()
    assert isinstance(df, pd.DataFrame)
    assert len(df) == len(r.options) > 3


def test_claims_equal_the_cli(cli):
    # The claims report is Markdown (the CLI has no --json for it): the same text.
    code, out, err = cli("claims")
    assert code == 0, err
    assert xpuplan.claims().markdown == out


def test_validate_equals_the_cli(cli_json):
    r = xpuplan.validate(mode="infer")
    assert r.to_dict() == cli_json("validate", "--mode", "infer")
    pytest.importorskip("pandas")
    assert len(r.to_pandas()) == len(r.cases) > 0


def test_validate_components_equals_the_cli(cli_json):
    r = xpuplan.validate(components=True)
    assert r.kind == "components"
    assert r.to_dict() == cli_json("validate", "--components")


def test_calibrate_equals_the_cli(cli_json, root):
    cases = str(root / "data/validation/cases-2025.csv")
    r = xpuplan.calibrate(cases, date="2026-01-01")
    assert r.to_dict() == cli_json("calibrate", cases, "--date", "2026-01-01")


def test_plan_from_a_path_text_or_dict(cli_json, root):
    path = root / "tests/data/portfolio/small.yaml"
    r = xpuplan.plan(path)
    assert r.to_dict() == cli_json("plan", str(path))
    assert r.answered and r.status == "optimal"
    text = path.read_text()
    assert xpuplan.plan(text) == r
    yaml = pytest.importorskip("yaml")
    assert xpuplan.plan(yaml.safe_load(text)) == r
    pytest.importorskip("pandas")
    months = r.to_pandas()
    assert len(months) == r.horizon.months
    assert list(months["cost.by_month"]) == list(r.summary.cost.by_month)
    assert months.index[0] == r.horizon.start


def test_simulate_equals_the_cli_and_reports_progress(cli_json, root):
    path = str(root / "tests/data/portfolio/small.yaml")
    risks = str(root / "tests/data/sim/small-risks.yaml")
    seen = []
    r = xpuplan.simulate(path, risks=risks, replicas=40, seed=7, policy=["static", "failover"],
                         progress=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1] == (40, 40)
    assert r.to_dict() == cli_json("simulate", path, "--risks", risks, "--replicas", "40", "--seed", "7",
                                   "--policy", "static", "--policy", "failover")


def test_simulate_a_saved_plan_or_a_plan_report(cli, cli_json, root, tmp_path):
    path = str(root / "tests/data/portfolio/small.yaml")
    risks = str(root / "tests/data/sim/small-risks.yaml")
    code, out, err = cli("plan", path, "--json")
    assert code == 0, err
    saved = tmp_path / "plan.json"
    saved.write_text(out)
    expected = cli_json("simulate", path, "--plan", str(saved), "--risks", risks, "--replicas", "16")
    assert xpuplan.simulate(path, plan=saved, risks=risks, replicas=16).to_dict() == expected
    assert xpuplan.simulate(path, plan=xpuplan.plan(path), risks=risks, replicas=16).to_dict() == expected


def test_results_are_read_only_nested_objects():
    r = xpuplan.catalog("h100-sxm")
    d = r.to_dict()
    key = next(k for k, v in d.items() if isinstance(v, dict))
    assert isinstance(getattr(r, key), xpuplan.Record)
    assert getattr(r, key).to_dict() == d[key]
    with pytest.raises(AttributeError):
        r.anything = 1
    with pytest.raises(AttributeError, match="no field 'nonsense'"):
        r.nonsense
    d[key] = "changed"  # a copy: the report does not change
    assert r.to_dict()[key] != "changed"


def test_bad_fields_raise_input_error_at_their_pointer():
    with pytest.raises(xpuplan.InputError) as e:
        xpuplan.train("llama3.1-8b", accelerator="h100-sxm", chips="many")
    (d,) = e.value.errors
    assert d.pointer == "/chips" and d.severity == "error"
    assert str(e.value) == d.text and d.text.startswith("/chips: error: ")


def test_unknown_fields_suggest_the_near_miss():
    with pytest.raises(xpuplan.InputError, match=r"unknown field 'chipz' \(did you mean 'chips'\?\)"):
        xpuplan.train("llama3.1-8b", accelerator="h100-sxm", chips=8, chipz=8)
    with pytest.raises(xpuplan.InputError, match="did you mean 'h100-sxm'"):
        xpuplan.train("llama3.1-8b", accelerator="h100-sx", chips=8)


def test_every_keyword_is_a_field_its_job_reads(root):
    # A value of the wrong kind for each keyword: the job must complain about
    # that field's value, never call it an unknown field. compare reads its
    # training fields with train=True and its serving fields with infer=True.
    def unknown(fn, **fields):
        with pytest.raises(xpuplan.InputError) as e:
            fn(**fields)
        return [d.text for d in e.value.diagnostics if "unknown field" in d.message]

    for name in ["catalog", "models", "prices", "train", "infer", "compare", "claims", "calibrate", "plan", "simulate",
                 "validate"]:
        fn = getattr(xpuplan, name)
        for p in fn.__signature__.parameters.values():
            if p.name in ("catalog", "prices", "more", "progress", "components", "portfolio", "cases"):
                continue
            bad = {p.name: {"not": "a value"}}
            if name in ("plan", "simulate"):  # some fields are read only with a portfolio
                bad["portfolio"] = str(root / "tests/data/portfolio/small.yaml")
            found = unknown(fn, **bad)
            if found and name == "compare":
                found = unknown(fn, train=True, **bad) and unknown(fn, infer=True, **bad)
            assert not found, (name, p.name, found)


def test_a_bad_portfolio_file_is_located_as_the_cli_locates_it(cli, root):
    bad = root / "tests/errors/portfolio/unknown_offer.yaml"
    code, _, err = cli("plan", str(bad))
    assert code == 2
    with pytest.raises(xpuplan.InputError) as e:
        xpuplan.plan(bad)
    first = e.value.errors[0]
    assert first.file == str(bad) and first.line > 0 and "did you mean" in first.message
    assert str(e.value).strip() == err.strip()
    # The same text given inline is located in "<portfolio>", at the same line and column.
    with pytest.raises(xpuplan.InputError) as inline:
        xpuplan.plan(bad.read_text())
    again = inline.value.errors[0]
    assert (again.file, again.line, again.column, again.message) == ("<portfolio>", first.line, first.column,
                                                                     first.message)
    assert again.text.startswith("<portfolio>:")


def test_no_answer_is_a_result_not_an_exception(cli_json):
    r = xpuplan.train("llama3.1-405b", accelerator="h100-sxm", chips=1)
    assert not r.answered
    assert r.to_dict() == cli_json("train", "--model", "llama3.1-405b", "-a", "h100-sxm", "-n", "1")


def test_user_catalog_and_price_files(tmp_path):
    with pytest.raises(xpuplan.InputError) as e:
        xpuplan.catalog(prices=str(tmp_path / "missing.yaml"))
    assert "missing.yaml" in str(e.value)
    assert xpuplan.catalog(catalog=[]) == xpuplan.catalog()


def test_the_data_directory_is_the_clones(root):
    assert Path(xpuplan.data_dir()).resolve() == (root / "data").resolve() or os.environ.get("XPUPLAN_DATA")


def test_the_readme_and_reference_examples_run(root, capsys):
    import re

    for doc in ("README.md", "docs/python.md"):
        blocks = re.findall(r"```python\n(.*?)```", (root / doc).read_text(), re.S)
        assert blocks, doc
        for code in blocks:
            exec(compile(code, doc, "exec"), {})
    assert "days" in capsys.readouterr().out


def test_an_installed_package_without_its_clone_uses_the_data_installed_with_it(monkeypatch, root):
    monkeypatch.delenv("XPUPLAN_DATA", raising=False)
    monkeypatch.setattr(xpuplan._xpuplan, "shipped_data_dir", lambda: str(root / "no-such-clone/data"))
    monkeypatch.setattr(xpuplan, "_bundled_data", lambda: root / "data")  # stands for site-packages/xpuplan/data
    try:
        assert xpuplan.data_dir() == str(root / "data")
        # Set for the jobs' own defaults (validate's shipped cases) to read the same copy.
        assert os.environ["XPUPLAN_DATA"] == str(root / "data")
    finally:
        os.environ.pop("XPUPLAN_DATA", None)
