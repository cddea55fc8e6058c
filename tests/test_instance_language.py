"""The bundled Chinese instances speak Chinese in their own texts: every text an example
generator writes into an instance whose ``metadata.language`` is ``zh`` — rule, pool, target,
criterion and count notes, effect and metric sources, scenario descriptions, the metadata — holds
no English sentence (``tests/english.py``: three English words in a row; ids, units, clause
citations and proper names are not sentences). A failure names the file and the JSON path.
``small-4.json`` (no language) stays English."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from english import english_sentence
from land_cases import ROOT

from zoneopt.examples.designation import synthetic_designation_data
from zoneopt.examples.parks import synthetic_parks_data
from zoneopt.examples.resources import emissions_data, funds_data, portfolio_data
from zoneopt.examples.zones import synthetic_data

INSTANCES = ROOT / "instances"
CHINESE = sorted(p.name for p in INSTANCES.glob("*.json")
                 if json.loads(p.read_text(encoding="utf-8")).get("metadata", {}).get("language") == "zh")


def texts(node: Any, path: str = "$") -> Iterator[tuple[str, str]]:
    """Every string in ``node`` with its JSON path (``$.rules[0].note``)."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from texts(value, f"{path}.{key}")
    elif isinstance(node, list):
        for k, value in enumerate(node):
            yield from texts(value, f"{path}[{k}]")
    elif isinstance(node, str):
        yield path, node


def english_texts(data: dict[str, Any]) -> list[str]:
    """``path: sentence (in "text")`` for every string of ``data`` holding an English sentence."""
    return [f"{path}: {found!r} in {text!r}" for path, text in texts(data)
            if (found := english_sentence(text)) is not None]


def test_the_bundled_chinese_instances_are_found() -> None:
    """Every bundled instance but small-4 says zh; small-4 says no language (English)."""
    names = sorted(p.name for p in INSTANCES.glob("*.json"))
    assert CHINESE == [n for n in names if n != "small-4.json"] and len(CHINESE) >= 10
    small = json.loads((INSTANCES / "small-4.json").read_text(encoding="utf-8"))
    assert small.get("metadata", {}).get("language") in (None, "en")


@pytest.mark.parametrize("name", CHINESE)
def test_a_chinese_instance_holds_no_english_sentence(name: str) -> None:
    data = json.loads((INSTANCES / name).read_text(encoding="utf-8"))
    bad = english_texts(data)
    assert not bad, f"{name}: {len(bad)} English text(s):\n" + "\n".join(bad[:20])


GENERATED = {  # the generators' other branches: other sizes, the standard rules, the corridor cap
    "zones-12-standard-corridor": lambda: synthetic_data(12, seed=3, corridor_cap=True),
    "zones-45-standard-corridor": lambda: synthetic_data(45, seed=2022, corridor_cap=True),
    "zones-45-defensible-corridor": lambda: synthetic_data(45, seed=2022, rules="defensible", corridor_cap=True),
    "zones-30-none": lambda: synthetic_data(30, seed=5, rules="none"),
    "emissions-12": lambda: emissions_data(12, seed=4),
    "funds-12-standard": lambda: funds_data(12, seed=4, setup="standard"),
    "portfolio-12": lambda: portfolio_data(12, 40, seed=6),
    "parks-40": lambda: synthetic_parks_data(40, seed=8),
    "designation-60": lambda: synthetic_designation_data(60, seed=9, target=3),
}


@pytest.mark.parametrize("case", sorted(GENERATED))
def test_the_generators_write_chinese_at_any_size(case: str) -> None:
    """The generators' texts are Chinese in the branches the bundled files do not take."""
    data = GENERATED[case]()
    assert data["metadata"]["language"] == "zh"
    bad = english_texts(data)
    assert not bad, f"{case}: {len(bad)} English text(s):\n" + "\n".join(bad[:20])


def test_the_detector_tells_sentences_from_ids() -> None:
    """English sentences are caught; ids, clause citations, units and proper names are not."""
    for sentence in ("no zone gets more than it asks for", "a new mu yields the zone's 亩均增加值",
                     "营业收入 ≥ 100 亿元: the clause states no figure"):
        assert english_sentence(sentence), sentence
    for fine in ("lock-key-project", "2017 §六(一)", "2022 第三章 专栏二 (assumption)", "SYNTHETIC data（合成数据）",
                 "zoneopt.synthetic.synthetic_instance(n_zones=45, seed=2022, rules='defensible')",
                 "numpy PCG64", "WGS 84", "各城市 NOx 环境容量（合成数据）", "35 个为目标 new-provincial-zones"):
        assert english_sentence(fine) is None, fine
    peers = "DEA 参照：zhengzhou xinzheng mengzhou"  # zone ids in a row are ids when named as such
    assert english_sentence(peers) and english_sentence(peers, {"zhengzhou", "xinzheng", "mengzhou"}) is None
    assert english_sentence("the rest split by zhengzhou", {"zhengzhou"}) == "the rest split by"
