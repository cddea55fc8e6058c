"""Every verb beyond solve in Chinese and in English (issue 15): plan-years, diagnose,
validate, evaluate, manage, consolidate, sweep and explain print from the one glossary, on the
bundled instances (snapshots, as ``tests/test_lang.py`` does for solve); no number in scientific
notation; a diagnosis of a conflict said in both languages; the sentences models write (a
presolve finding, a model's note) said again in the display's language; no English sentence in
any Chinese snapshot (solve's included) nor in the Chinese report.

Snapshots live in ``tests/snapshots/<verb>/``; after an intended change of a verb's output,
rewrite them with ``ZONEOPT_UPDATE_SNAPSHOTS=1 python -m pytest tests/test_lang_verbs.py`` and
read the diff."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from cli_runner import run, write
from english import english_sentence
from land_cases import ROOT, small4

from zoneopt.plans.glossary import Term, said_again, spoken

SCIENTIFIC = re.compile(r"\d\.?\d*[eE][+-]?\d")
SNAPSHOTS = ROOT / "tests" / "snapshots"
INSTANCES = ROOT / "instances"
ALL = sorted(p.stem for p in INSTANCES.glob("*.json"))
EVALUATED = [s for s in ALL if s.startswith("henan-etdz-45")]

# (verb, instance, extra arguments); sweeps write their Parquet file under the test's tmp_path.
CASES: list[tuple[str, str, tuple[str, ...]]] = [
    *[("validate", s, ()) for s in ALL],
    *[("diagnose", s, ()) for s in ALL],
    *[("evaluate", s, ()) for s in EVALUATED],
    ("plan-years", "henan-etdz-45-years", ("--all",)),
    ("plan-years", "small-4", ()),
    ("plan-years", "henan-etdz-45-portfolio", ("--without-projects", "--mip-gap", "1e-3")),
    ("plan-years", "henan-etdz-45-targets-2022", ()),
    ("plan-years", "henan-parks-180-targets-2017", ()),
    ("designate", "henan-designation-180", ("--all",)),
    ("manage", "henan-etdz-45-years", ()),
    ("consolidate", "henan-parks-180", ()),
    ("sweep", "small-4", ("--draws", "4", "--error", "5%", "--importance", "--robust", "0.5", "--workers", "1")),
    ("sweep", "henan-etdz-45", ("--draws", "3", "--error", "5%", "--workers", "1")),
    *[("explain", s, ("zhengzhou",)) for s in EVALUATED if s != "henan-etdz-45-targets-2022"],
    ("explain", "henan-designation-180", ("P001",)),
    ("explain", "henan-designation-180", ("P004",)),
    ("stability", "henan-etdz-45", ("--k", "0.02", "--zones", "zhengzhou,ruzhou,luohe")),
]


def _mask(text: str, tmp: Path) -> str:
    """Times, temporary paths and the checkout's path out of a verb's output."""
    text = text.replace(str(tmp), "<tmp>").replace(str(ROOT), "<root>")
    text = re.sub(r"(用时|solve|solved in) [\d.,]+", r"\1 <time>", text)
    text = re.sub(r"[\d.,]+ s in the solver", "<time> s in the solver", text)
    return re.sub(r"（每秒 [\d.,]+ 个）|\([\d.,]+/s\)", "(<rate>)", text)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("verb, name, extra", CASES,
                         ids=[f"{v}-{n}" + (f"-{e[0]}" if v == "explain" else "") for v, n, e in CASES])
def test_verb_prints_in_each_language(verb: str, name: str, extra: tuple[str, ...], lang: str,
                                      tmp_path: Path) -> None:
    """The snapshot of ``python -m zoneopt VERB INSTANCE --lang LANG`` (exit code and stdout)."""
    args = [verb, str(INSTANCES / f"{name}.json"), *extra, "--lang", lang]
    if verb == "sweep":
        args += ["--out", str(tmp_path / "sweep.parquet")]
    code, out, err = run(*args)
    assert code in (0, 2, 3), err
    assert not SCIENTIFIC.search(out), SCIENTIFIC.search(out)
    text = f"exit {code}\n{_mask(out, tmp_path)}" + (f"stderr: {_mask(err, tmp_path)}" if code == 2 else "")
    snap = SNAPSHOTS / verb / (f"{name}.{extra[0]}.{lang}.txt" if verb == "explain" else f"{name}.{lang}.txt")
    if os.environ.get("ZONEOPT_UPDATE_SNAPSHOTS"):
        snap.parent.mkdir(parents=True, exist_ok=True)
        snap.write_text(text, encoding="utf-8")
    assert snap.exists(), f"no snapshot {snap}: run with ZONEOPT_UPDATE_SNAPSHOTS=1"
    assert text == snap.read_text(encoding="utf-8")


def test_chinese_output_has_no_english_sentences() -> None:
    """The Chinese snapshots carry no English sentence (three English words in a row,
    ``tests/english.py``), nor do the notes and sources they quote from the bundled instances
    (Chinese in their own texts: ``tests/test_instance_language.py``); the zones' ids are ids. An
    assumed number is marked （假设）, never ``(assumption)``."""
    ids = {z["id"] for p in INSTANCES.glob("*.json") for z in json.loads(p.read_text(encoding="utf-8"))["zones"]}
    for snap in sorted(SNAPSHOTS.glob("*/*.zh.txt")):
        for line in snap.read_text(encoding="utf-8").splitlines():
            assert "(assumption)" not in line, (snap.name, line)  # an assumed number is marked （假设）
            assert english_sentence(line, ids) is None, (snap.name, line)


def test_target_snapshots_are_checked() -> None:
    """The plan-years snapshots of the target instances and the designation's are among the
    Chinese snapshots the check above reads, and they say money in 亿元 (the clause's unit)."""
    for verb, name in (("plan-years", "henan-etdz-45-targets-2022"), ("plan-years", "henan-parks-180-targets-2017"),
                       ("designate", "henan-designation-180")):
        assert (SNAPSHOTS / verb / f"{name}.zh.txt").exists()
    zh = (SNAPSHOTS / "plan-years" / "henan-etdz-45-targets-2022.zh.txt").read_text(encoding="utf-8")
    assert "营业收入 ≥ 1,000 亿元 的开发区 ≥ 6 个" in zh and "10,000,000" not in zh
    en = (SNAPSHOTS / "plan-years" / "henan-etdz-45-targets-2022.en.txt").read_text(encoding="utf-8")
    assert "≥ 6 zones with revenue ≥ 1,000 yi yuan" in en


def conflicting() -> dict:
    data = small4()
    data["rules"].append({"id": "floor-all", "type": "zone_bounds", "source": "test", "floor_mu": 400.0})
    return data


@pytest.mark.parametrize("lang, words", [
    ("zh", ("不可行：约束", "无法同时成立", "缺口", "即可恢复可行", "相互冲突的约束", "最小放宽")),
    ("en", ("infeasible: rule", "cannot both hold", "short by", "restores feasibility", "conflicting rules",
            "smallest relaxations")),
])
def test_a_conflict_is_diagnosed_in_each_language(tmp_path: Path, lang: str, words: tuple[str, ...]) -> None:
    code, out, err = run("diagnose", str(write(tmp_path, conflicting())), "--lang", lang)
    assert code == 3, err
    for w in words:
        assert w in out, (w, out)
    assert "floor-all" in out


def test_spoken_sentences_are_said_again() -> None:
    """A sentence written from the glossary comes back in the other language, its fields and a
    year's prefix kept; a sentence not written so stays as it is."""
    en = spoken("presolve.excluded", rule="'x' (2017 §十(四))", k=2, zones="'a', 'b'")
    assert en == "rule 'x' (2017 §十(四)) excludes 2 zone(s), which can never get land: 'a', 'b'"
    assert said_again(en, "zh") == "约束 'x' (2017 §十(四)) 排除了 2 个开发区，它们不会获得土地：'a', 'b'"
    assert said_again(f"2021: {en}", "zh").startswith("2021：约束 'x'")
    where = spoken("note.years.outside", where=Term("note.years.no_land"), amounts="2026: 5 mu")
    assert where.startswith("land freed by dynamic management (land is not planned) ")
    assert said_again(where, "zh").startswith("动态管理腾出的土地（未计划土地）")
    assert said_again("a sentence of its own", "zh") == "a sentence of its own"


def test_every_verbs_chinese_snapshots_are_checked() -> None:
    """The check above reads the Chinese snapshots of solve and explain too (none skipped)."""
    verbs = {snap.parent.name for snap in SNAPSHOTS.glob("*/*.zh.txt")}
    assert {"solve", "explain", "diagnose", "plan-years", "designate", "evaluate"} <= verbs
    assert len(list((SNAPSHOTS / "explain").glob("*.zh.txt"))) == sum(v == "explain" for v, _, _ in CASES)


ZH = [s for s in ALL if json.loads((INSTANCES / f"{s}.json").read_text(encoding="utf-8"))["metadata"].get("language")
      == "zh"]


@pytest.mark.parametrize("name", ZH)
def test_the_chinese_report_has_no_english_sentences(name: str) -> None:
    """The report of every bundled Chinese instance, in Chinese (its Markdown, tables and
    captions): no English sentence (``tests/english.py``; ids, units, clause citations and
    proper names are not sentences), no ``(assumption)``; an evaluation's method and score unit,
    a rule's type said in Chinese."""
    from zoneopt.instance import load
    from zoneopt.report.build import build_report

    instance = load(INSTANCES / f"{name}.json")
    md = build_report(instance, charts=False, lang="zh").markdown()
    ids = {z.id for z in instance.zones} if not hasattr(instance.zones, "ids") else set(instance.zone_ids)
    for line in md.splitlines():
        assert "(assumption)" not in line, line
        assert english_sentence(line, ids) is None, line
    if name == "henan-etdz-45":
        assert "| 分（100 = 各准则均达到标杆值） |" in md and "| 加权求和（预设 huangyan-2022） | 开发区 |" in md
        assert "| request-cap | 不超过申请 | 土地 |" in md and "| city-cap | 分组上下限 | 土地 |" in md
        assert "weighted_sum" not in md and "request_cap" not in md
