"""The one Decision every line ends with (tasks/clean/decision.py)."""
from __future__ import annotations

import dataclasses

import pytest

from wirewash.tasks.clean.decision import Decision, caught_by, kept_by, merge, overlay, removed_by
from wirewash.tasks.clean.rules import RULES
from wirewash.tasks.clean.rules.ids import BODY_PARAGRAPH, BYLINE_BY, CAPTION_REPEAT, CREDIT_PHOTO, ZONE_FOOTER


def test_a_decision_is_frozen_and_reads_its_category_and_reason_from_the_catalog() -> None:
    decision = removed_by(CAPTION_REPEAT)
    with pytest.raises(dataclasses.FrozenInstanceError):
        decision.action = "kept"  # type: ignore[misc]
    assert decision.category == "caption" and decision.reason == RULES[CAPTION_REPEAT].rationale
    assert removed_by(CAPTION_REPEAT, "repeats the standfirst").reason == "repeats the standfirst"
    assert kept_by(BODY_PARAGRAPH).action == "kept" and not kept_by(BODY_PARAGRAPH).by_line_rule


def test_a_line_rule_s_catch_is_metadata_for_bylines_datelines_and_addresses_else_removed() -> None:
    assert caught_by(RULES[BYLINE_BY]) == Decision("metadata", BYLINE_BY)
    assert caught_by(RULES[CREDIT_PHOTO]) == Decision("removed", CREDIT_PHOTO)
    assert caught_by(RULES[CREDIT_PHOTO]).by_line_rule


def test_merge_lays_later_passes_over_earlier_ones_and_leaves_its_inputs_alone() -> None:
    first = {1: removed_by(CAPTION_REPEAT), 2: kept_by(BODY_PARAGRAPH)}
    merged = merge(first, {2: removed_by(ZONE_FOOTER)}, {3: kept_by(BODY_PARAGRAPH)})
    assert merged == {1: removed_by(CAPTION_REPEAT), 2: removed_by(ZONE_FOOTER), 3: kept_by(BODY_PARAGRAPH)}
    assert first[2] == kept_by(BODY_PARAGRAPH)


def test_a_pass_reads_its_own_decisions_over_the_earlier_ones_and_writes_only_its_own() -> None:
    decided = {1: removed_by(CAPTION_REPEAT)}
    found: dict[int, Decision] = {}
    seen = overlay(found, decided)
    found[2] = kept_by(BODY_PARAGRAPH)
    assert seen[1] == decided[1] and seen[2] == found[2] and 3 not in seen
    assert decided == {1: removed_by(CAPTION_REPEAT)}
