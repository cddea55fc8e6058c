"""Output a planning department can hand on (issue 15): the glossary in two languages, numbers
as the plan speaks them (亿元, mu to 0.1, %, no scientific notation, 合计 rows), the printed plan
of every bundled instance in Chinese and in English (snapshots), and exports in the display
form.

Snapshots live in ``tests/snapshots/solve/``; after an intended change of the printed plan,
rewrite them with ``ZONEOPT_UPDATE_SNAPSHOTS=1 python -m pytest tests/test_lang.py`` and read
the diff."""

from __future__ import annotations

import math
import os
import re
import string
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from cli_runner import run, write
from hypothesis import given
from hypothesis import strategies as st
from land_cases import ROOT, SMALL, small4

from zoneopt.instance import load
from zoneopt.plans.display import Display, display_table, export_table, fixed, significant, to_text
from zoneopt.plans.glossary import GLOSSARY, text

INSTANCES = sorted((ROOT / "instances").glob("*.json"))
SNAPSHOTS = ROOT / "tests" / "snapshots" / "solve"
SCIENTIFIC = re.compile(r"\d\.?\d*[eE][+-]?\d")


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


def test_glossary_has_both_languages_with_the_same_fields() -> None:
    for key, (zh, en) in GLOSSARY.items():
        assert zh and en, key
        assert {f.split("!")[0] for f in _fields(zh)} == {f.split("!")[0] for f in _fields(en)}, key


def test_glossary_terms_of_the_policy() -> None:
    for key, zh in (("resource.land", "新增建设用地指标"), ("indicator.tax_per_mu", "亩均税收"),
                    ("resource.emissions", "排污指标"), ("term.total", "合计"), ("term.rule", "约束"),
                    ("term.shadow_price", "影子价格")):
        assert text(key, "zh") == zh
        assert text(key, "en") and text(key, "en") != zh


@given(st.floats(min_value=-1e13, max_value=1e13, allow_nan=False))
def test_numbers_never_in_scientific_notation(v: float) -> None:
    for s in (fixed(v, 1), fixed(v, 3), significant(v, 4), significant(v, 6, 4), Display().number(v)):
        assert not SCIENTIFIC.search(s), (v, s)
        assert s != "-0" and not s.startswith("-0.0") or float(s.replace(",", "")) != 0


@given(st.floats(min_value=1e-9, max_value=1e12))
def test_significant_keeps_the_leading_digits(v: float) -> None:
    s = significant(v, 4)
    back = float(s.replace(",", ""))
    if v >= 1e-3:  # below the decimals shown it rounds to 0
        assert math.isclose(back, v, rel_tol=1e-3, abs_tol=1e-6)


def test_display_defaults_and_money() -> None:
    henan = load(ROOT / "instances" / "henan-etdz-45.json")
    assert Display.of(henan).lang == "zh" and Display.of(henan, "en").lang == "en"
    assert Display.of(load(SMALL)).lang == "en"
    d = Display.of(henan)
    assert d.money_amount(10_000_000) == "1,000.00 亿元" and d.money_words(10_000_000, per_year=True) == "1,000 亿元/年"
    assert d.money_amount(228636.3649, per_year=True) == "22.86 亿元/年"
    assert Display.of(henan, "en").money_amount(228636.3649, per_year=True) == "22.86 yi yuan/yr"


def test_display_table_totals_and_labels() -> None:
    frame = pd.DataFrame({"zone": ["a", "b", "c"], "name": ["甲", "乙", "丙"], "allocation_mu": [300.04, 0.0, 24.66],
                          "request_mu": [300.0, float("nan"), 100.0], "fulfilment": [1.0001, float("nan"), 0.2466],
                          "funds": [186400.0, 0.0, 1.0]})
    d = Display("zh", "wan_yuan", "yi_yuan")
    t = display_table(frame.head(2), d, total_over=frame)
    assert list(t.columns) == ["编号", "名称", "新增建设用地指标（亩）", "申请（亩）", "满足率", "资金（亿元）"]
    assert t.iloc[0].tolist() == ["a", "甲", "300.0", "300.0", "100.0%", "18.64"]
    assert t.iloc[-1].tolist() == ["合计（全部 3 个）", "", "324.7", "400.0", "81.2%", "18.64"]
    assert "合计" in to_text(t)
    exported, formats = export_table(frame, d)
    assert list(exported.columns)[4] == "满足率（%）" and exported.iloc[0, 4] == 100.01
    assert exported.iloc[-1, 0] == "合计" and exported.iloc[-1, 2] == 324.7
    excel, formats = export_table(frame, d, excel=True)
    assert formats[2] == "#,##0.0" and formats[4] == "0.0%" and formats[5] == "#,##0.00"


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("path", INSTANCES, ids=[p.stem for p in INSTANCES])
def test_solve_prints_the_plan_in_each_language(path: Path, lang: str) -> None:
    """The snapshot of ``python -m zoneopt solve PATH --lang LANG`` (times masked)."""
    code, out, err = run("solve", str(path), "--lang", lang)
    assert code == 0, err
    assert not SCIENTIFIC.search(out), SCIENTIFIC.search(out)
    assert ("合计" if lang == "zh" else "\ntotal ") in out
    masked = re.sub(r"(用时|solve) [\d.,]+", r"\1 <time>", out)
    snap = SNAPSHOTS / f"{path.stem}.{lang}.txt"
    if os.environ.get("ZONEOPT_UPDATE_SNAPSHOTS"):
        snap.parent.mkdir(parents=True, exist_ok=True)
        snap.write_text(masked, encoding="utf-8")
    assert snap.exists(), f"no snapshot {snap.name}: run with ZONEOPT_UPDATE_SNAPSHOTS=1"
    assert masked == snap.read_text(encoding="utf-8")


def test_henan_prints_chinese_by_default() -> None:
    code, out, _ = run("solve", str(ROOT / "instances" / "henan-etdz-45.json"))
    assert code == 0
    assert "合计" in out and "新增建设用地指标（亩）" in out
    assert "目标（综合）：1.61" in out and "分档目标（权重 1）" in out
    assert "分配形态：新增建设用地指标：43 个符合条件的开发区中 43 个获得分配" in out
    assert "allocation_mu" not in out and "binding_rules" not in out


def test_unknown_language_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = run("solve", str(SMALL), "--lang", "fr")
    assert code == 2 and "--lang" in capsys.readouterr().err  # argparse writes its usage error itself


def test_language_of_the_instance(tmp_path: Path) -> None:
    data = small4()
    data["metadata"]["language"] = "zh"
    code, out, _ = run("solve", str(write(tmp_path, data)))
    assert code == 0 and "合计" in out
    data["metadata"]["language"] = "de"
    code, _, err = run("solve", str(write(tmp_path, data)))
    assert code == 2 and "metadata.language" in err


def test_exports_in_the_display_form(tmp_path: Path) -> None:
    """``--out`` writes CSV and Excel for people: localised headers, rounded numbers, 亿元, a 合计
    row, percentages; JSON stays the data form."""
    path = ROOT / "instances" / "henan-etdz-45-funds.json"
    csv, xlsx, js = tmp_path / "p.csv", tmp_path / "p.xlsx", tmp_path / "p.json"
    for target in (csv, xlsx, js):
        assert run("solve", str(path), "--out", str(target))[0] == 0
    table = pd.read_csv(csv, encoding="utf-8-sig")
    assert "编号" in table.columns and "资金（亿元）" in table.columns and "资金杠杆率（%）" in table.columns
    assert table.iloc[-1]["编号"] == "合计" and table.iloc[-1]["用地（亩）"] == 5900.0
    assert table.iloc[-1]["资金（亿元）"] == 21.1
    text_ = csv.read_text(encoding="utf-8-sig")
    assert not SCIENTIFIC.search(text_)
    assert all(len(v.split(".")[1]) <= 4 for v in re.findall(r"\d+\.\d+", text_))  # no false precision
    wb = openpyxl.load_workbook(xlsx)
    ws = wb["funds-allocations"]
    head = [c.value for c in ws[1]]
    funds = head.index("资金（亿元）") + 1
    assert ws.cell(row=2, column=funds).number_format == "#,##0.00"
    assert ws.cell(row=ws.max_row, column=1).value == "合计"
    assert ws.column_dimensions["B"].width >= 12  # Chinese names counted double
    lev = head.index("资金杠杆率") + 1
    assert ws.cell(row=2, column=lev).number_format == "0.0%"
    import json

    doc = json.loads(js.read_text(encoding="utf-8"))
    assert "allocation_mu" in doc["plans"]["land"]["allocations"][0]


def test_library_writes_the_data_form(tmp_path: Path) -> None:
    """Without a display, ``plan.write`` keeps the data columns programs read."""
    import zoneopt

    plan = zoneopt.solve(load(SMALL))
    plan.write(tmp_path / "p.csv")
    assert "allocation_mu" in pd.read_csv(tmp_path / "p.csv", encoding="utf-8-sig").columns


def test_plan_years_does_not_drop_projects_silently(tmp_path: Path) -> None:
    """The portfolio instance's projects cannot be planned over the years: exit 2 naming them and
    the targets, unless --without-projects says to plan the pools alone (the note stays)."""
    path = ROOT / "instances" / "henan-etdz-45-portfolio.json"
    code, out, err = run("plan-years", str(path))
    assert code == 2 and out == ""
    assert "300 projects" in err and "rev-1000yi" in err and "--without-projects" in err
    code, out, err = run("plan-years", str(path), "--without-projects", "--mip-gap", "1e-3", "--lang", "en")
    assert code == 0, err
    assert "single-year model" in out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_explain_speaks_the_language(lang: str) -> None:
    """explain in Chinese or English, money in 亿元, no number in scientific notation; the rules
    binding for the zone apart from the pool-wide ones."""
    code, out, err = run("explain", str(ROOT / "instances" / "henan-etdz-45-funds.json"), "zhengzhou", "--lang", lang)
    assert code == 0, err
    assert not SCIENTIFIC.search(out), SCIENTIFIC.search(out)
    if lang == "zh":
        assert "本区起作用的约束" in out and "lock-key-project (2022 第二章第二节（假设）)" in out
        assert "基金投放（亿元）：" in out
        assert "目标（综合）：1.6104" in out and "目标（带动投资）：172.28 亿元" in out
    else:
        assert "rules binding for this zone" in out and "\nfunds (yi yuan):\n" in out


def test_objectives_read_in_their_units(tmp_path: Path) -> None:
    """Each objective in one sentence with its unit; a blend names each term in its own unit
    beside the normalised total; the equity objective as a share, its tie-break in money."""
    import zoneopt
    from zoneopt.plans.wording import objective_sentence

    data = small4()
    d_en = Display("en")
    plan = zoneopt.solve(zoneopt.Instance.from_dict(data))
    inst = zoneopt.Instance.from_dict(data)
    assert objective_sentence(plan.summary, d_en, inst).startswith("objective (efficiency): 34,000.0 wan yuan/yr — ")
    data["objective"] = {"kind": "blend", "blend": {"efficiency": 1, "equity": 1, "baseline": 0.5}}
    inst = zoneopt.Instance.from_dict(data)
    plan = zoneopt.solve(inst)
    text = objective_sentence(plan.summary, Display("zh"), inst, allocations=plan.allocations)
    assert text.startswith("目标（综合）：") and "效率 " in text and " 万元/年（权重 1）" in text
    assert "最低满足率 " in text and "%（权重 1）" in text and "与基准偏差 " in text and " 亩（权重 0.5）" in text
    data["objective"] = {"kind": "equity"}
    inst = zoneopt.Instance.from_dict(data)
    plan = zoneopt.solve(inst)
    text = objective_sentence(plan.summary, d_en, inst, allocations=plan.allocations)
    assert text.startswith(f"objective (equity): {100 * plan.objective:.1f}% — the lowest fulfilment")
    assert "tie-break (efficiency): " in text and "wan yuan/yr" in text


def test_consolidation_names_the_merged_parks(tmp_path: Path) -> None:
    from test_consolidation import six

    data = six()
    for z in data["zones"]:
        z["name"] = f"{z['id']}园区"
    code, out, err = run("consolidate", str(write(tmp_path, data)))
    assert code == 0, err
    assert "B园区; C园区" in out and "B;C" not in out
