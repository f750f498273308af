"""Golden cases for every line rule in the catalog: what it must catch, what must survive; and the catalog's ids."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import ROOT, SHARED

from wirewash.tasks.clean.lines import count_words
from wirewash.tasks.clean.rules import CATALOG, LINE_RULES, RULES, first_match, ids, index_by_words, match_line, rule_view

CASES = [(rule.id, text) for rule in LINE_RULES for text in rule.examples]
NEGATIVES = [(rule.id, text) for rule in LINE_RULES for text in rule.negatives]


def test_catalog_ids_unique_and_documented() -> None:
    assert len(RULES) == len(CATALOG)
    for rule in CATALOG:
        assert rule.id.startswith(rule.id.split(".")[0] + ".") and "." in rule.id
        assert rule.rationale.strip(), rule.id
        if rule.scope == "line":
            assert rule.examples and rule.negatives, f"{rule.id} needs golden examples and negatives"


def test_every_rule_has_one_id_constant_and_every_constant_one_rule() -> None:
    constants = {name: value for name, value in vars(ids).items() if name.isupper()}
    assert sorted(constants.values()) == sorted(RULES), "ids.py and the catalog disagree"
    for name, value in constants.items():
        assert name == value.replace(".", "_").replace("-", "_").upper(), f"{name} should be named after {value!r}"


@pytest.mark.parametrize(("rule_id", "text"), CASES)
def test_rule_catches_its_examples(rule_id: str, text: str) -> None:
    rule = match_line(text, count_words(text))
    assert rule is not None and rule.id == rule_id, f"{text!r} → {rule and rule.id}"


@pytest.mark.parametrize(("rule_id", "text"), NEGATIVES)
def test_body_text_survives_every_line_rule(rule_id: str, text: str) -> None:
    rule = match_line(text, count_words(text))
    assert rule is None, f"{text!r} wrongly caught by {rule and rule.id}"


def _lines_to_read() -> list[str]:
    """Every golden case, every line of the sample scrapes in raw/ and, where ../shared is there, of aeb's page dumps."""
    lines = [text for _, text in CASES + NEGATIVES]
    folders = [ROOT / "raw", SHARED / "evaldata" / "aeb" / "text-page"]
    for path in sorted(p for folder in folders if folder.is_dir() for p in folder.iterdir() if p.is_file()):
        lines += path.read_text(encoding="utf-8", errors="replace").splitlines()
    return [line for line in lines if line.strip()]


def test_keywords_never_hide_a_match() -> None:
    """A rule's ``keywords`` only spare its pattern the lines it cannot match: wherever the pattern finds a
    match, one of the keywords is in the line's lowercase (as :meth:`Rule.matches` reads it)."""
    keyed = [rule for rule in LINE_RULES if rule.keywords and rule.pattern is not None]
    assert len(keyed) >= 10
    for line in _lines_to_read():
        text, lowered = rule_view(line)
        for rule in keyed:
            if rule.pattern.search(text):  # type: ignore[union-attr]
                assert any(keyword in lowered for keyword in rule.keywords), f"{rule.id} matches {line!r} without a keyword"


def test_rules_indexed_by_word_count_name_what_trying_every_rule_in_order_names() -> None:
    """The index by word count (:func:`index_by_words`) only spares calls: on every golden case and sample
    line, at its own word count and at counts around the rules' limits, the first catching rule is the one
    trying the whole catalog in order finds."""
    table = index_by_words(LINE_RULES)
    limits = sorted({n for rule in LINE_RULES for n in (rule.min_words - 1, rule.min_words, rule.max_words, rule.max_words + 1)})
    for line in _lines_to_read()[:3000]:
        text, lowered = rule_view(line)
        for words in {count_words(line), *limits}:
            expected = next((rule for rule in LINE_RULES if rule.matches(text, words, lowered)), None)
            assert first_match(table, line, words) is expected, (line, words)
    assert first_match(table, "Subscribe to our newsletter", len(table)) is None  # more words than any rule admits


@pytest.mark.parametrize(
    "text",
    [
        "A photo of the scene shows the bridge after it collapsed, killing three people.",
        "Read the full statement, which the ministry released on Tuesday, for details.",
        "“Read my lips,” he said, repeating the famous line to laughter from the audience.",
        "Москва заявила, что переговоры продолжатся на следующей неделе.",
        "정부는 다음 주에 협상을 재개할 것이라고 밝혔다.",
        "O governo disse que as negociações serão retomadas na próxima semana.",
    ],
)
def test_body_sentences_in_any_language_survive(text: str) -> None:
    assert match_line(text, count_words(text)) is None


def _code_modules() -> list[tuple[Path, ast.AST]]:
    """Every module of the project's code (tasks/, flows/) but the id constants themselves."""
    ids_file = Path(ids.__file__).resolve()
    return [(path, ast.parse(path.read_text(encoding="utf-8"))) for folder in ("tasks", "flows")
            for path in sorted((ROOT / folder).rglob("*.py")) if path.resolve() != ids_file]


def test_code_names_rules_by_their_constants_never_by_a_string() -> None:
    strings = [(path.relative_to(ROOT), node.lineno, node.value) for path, tree in _code_modules() for node in ast.walk(tree)
               if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in RULES]
    assert strings == [], "rule ids written as strings; import them from wirewash.tasks.clean.rules.ids"


def test_every_context_rule_is_decided_somewhere_in_the_code() -> None:
    """A context rule the code never names could never appear in provenance: the catalog would explain nothing."""
    catalog = Path(ids.__file__).resolve().parent
    named = {node.id if isinstance(node, ast.Name) else node.attr for path, tree in _code_modules()
             if catalog not in path.resolve().parents for node in ast.walk(tree) if isinstance(node, (ast.Name, ast.Attribute))}
    constants = {value: name for name, value in vars(ids).items() if name.isupper()}
    unused = [rule.id for rule in CATALOG if rule.scope == "context" and constants[rule.id] not in named]
    assert unused == []


_ODD_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"


@given(st.text(alphabet=st.sampled_from(list(_ODD_SPACES + " \t\u200bAaé’Ω漢-:")), max_size=40))
def test_rule_view_makes_every_odd_space_plain_and_nothing_else(line: str) -> None:
    # the patterns read no-break, thin, figure and ideographic spaces as plain ones; a zero-width space is no space
    text, lowered = rule_view(line)
    assert text == line.translate({ord(c): " " for c in _ODD_SPACES})
    assert lowered == text.lower()
