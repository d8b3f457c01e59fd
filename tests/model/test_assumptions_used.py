"""Every ``used_by`` claim of the assumptions log (data/assumptions.yml) matches the code.

A topic of ``used_by`` names the modules and data files of the model that compute it. An
assumption is *used* by a topic when its id is read there: as a string literal in Python
(``"A13"``) or as ``assumption: A13`` in a YAML file. Topics that call other topics use their
assumptions too (a scenario computes contributions and benefits; benefits compute
contributions), so their files are included. Both directions are checked: a claim without a use,
and a use without a claim.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from analysis.core import config
from analysis.data.parameters import load_assumptions

SRC = Path(__file__).parents[2] / "src" / "analysis" / "model"

TOPICS = ("benefits", "coverage", "funding", "scenarios")


def _own(topic: str) -> list[Path]:
    """The modules and data files of a topic (paths read from ``config`` at call time)."""
    par = config.PARAMETERS
    return {
        "coverage": [SRC / "coverage", par / "targets.yml", par / "coverage.yml"],
        "funding": [SRC / "contributions.py", SRC / "dbh_sawit.py", par / "rates.yml",
                    par / "dbh_sawit.yml"],
        "benefits": [SRC / "benefits.py", par / "benefits.yml"],
        "scenarios": [SRC / "scenarios", config.SCENARIOS],
    }[topic]


def test_every_parameter_file_belongs_to_a_topic():
    # A new parameters file must be given its topic above, or its assumptions go unchecked.
    named = {p.name for t in TOPICS for p in _own(t) if p.parent == config.PARAMETERS}
    assert {p.name for p in config.PARAMETERS.glob("*.yml")} <= named


CALLS = {"benefits": ["funding"], "scenarios": ["funding", "benefits"]}


def _files(paths: list[Path]) -> list[Path]:
    out = []
    for path in paths:
        if path.is_dir():
            out += sorted(p for p in path.rglob("*") if p.suffix in (".py", ".yml"))
        elif path.exists():
            out.append(path)
    return out


def _ids_read(paths: list[Path]) -> set[str]:
    """Assumption ids read in these files (literals in Python, ``assumption:`` in YAML)."""
    found: set[str] = set()
    for path in _files(paths):
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".py":
            found |= set(re.findall(r"""["'](A\d{2})["']""", text))
        else:
            found |= set(re.findall(r"assumption:\s*(A\d{2})\b", text))
    return found


def _reads(topic: str) -> set[str]:
    ids = _ids_read(_own(topic))
    for other in CALLS.get(topic, []):
        ids |= _reads(other)
    return ids


@pytest.fixture(scope="module")
def log() -> dict:
    return load_assumptions()


def test_the_topics_are_the_ones_the_log_uses(log):
    topics = {t for entry in log.values() for t in entry["used_by"]}
    assert topics <= set(TOPICS), f"unknown used_by topics: {sorted(topics - set(TOPICS))}"


def test_every_claim_is_read_by_its_topic(log):
    reads = {topic: _reads(topic) for topic in TOPICS}
    missing = [f"{aid} → {t}" for aid, entry in sorted(log.items()) for t in entry["used_by"]
               if aid not in reads[t]]
    assert not missing, f"used_by claims that no code or data file of the topic reads: {missing}"


@pytest.mark.parametrize("topic", TOPICS)
def test_every_use_is_claimed(log, topic):
    # Only the topic's own files: an assumption read by a called topic is claimed there.
    unclaimed = sorted(aid for aid in _ids_read(_own(topic))
                       if aid in log and topic not in log[aid]["used_by"])
    assert not unclaimed, f"{topic} reads {unclaimed} without a used_by claim"


def test_a13_is_read_where_a_default_scenario_is_built(log):
    # Guide 5.4: A13 was claimed by scenarios and funding and read nowhere. It is now the DBH
    # share of the default scenario (2,9% of the allocation), so the claim holds.
    assert '"A13"' in (SRC / "scenarios" / "defaults.py").read_text(encoding="utf-8")
    assert log["A13"]["used_by"] == ["scenarios"]
