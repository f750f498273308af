"""Unicode repair: ftfy's fixes, and the lost-byte restoration for pages mis-decoded as Windows-1252."""
from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from wirewash.tasks.read.repair import decode_with_lost_bytes, repair_line, repair_lines


def _mis_decode(text: str) -> str:
    """What a scraper makes of UTF-8 read as Windows-1252: undefined bytes vanish."""
    return text.encode("utf-8").decode("cp1252", errors="ignore")


def test_plain_and_correct_text_is_left_alone() -> None:
    for line in ("plain ascii", "naïve café", "Straße – “quoted” — 東京", "정부는 밝혔다", "Москва"):
        assert repair_line(line) == (line, ())


def test_classic_mojibake_is_fixed_and_explained() -> None:
    fixed, steps = repair_line(_mis_decode("Café “quoted”"))
    assert fixed == "Café “quoted”" and steps


def test_closing_quote_whose_last_byte_was_lost_comes_back() -> None:
    broken = _mis_decode("“That’s perfect,” he said.")
    assert "”" not in broken
    assert repair_line(broken)[0] == "“That’s perfect,” he said."


def test_lost_bytes_in_cyrillic_and_hangul_are_restored_to_letters() -> None:
    for text in ("Москва заявила", "이 사진"):
        restored = repair_line(_mis_decode(text))[0]
        assert all(ch.isalpha() or ch.isspace() for ch in restored), restored
        assert len(restored) == len(text)


def test_repair_keeps_line_count_and_reports_fixes_by_line() -> None:
    lines = ["ok", _mis_decode("déjà vu"), "", "\x1b"]
    fixed, fixes = repair_lines(lines)
    assert len(fixed) == len(lines) and fixed[1] == "déjà vu" and 2 in fixes and 1 not in fixes


@given(st.text(max_size=60))
def test_decoding_intact_utf8_with_lost_byte_decoder_is_identity(text: str) -> None:
    assert decode_with_lost_bytes(text.encode("utf-8")) == text


def test_letters_around_a_broken_letter_decide_which_it_was() -> None:
    # с, э and я (D1 81 / D1 8D / D1 8F) all lose their second byte, so one choice per byte
    # value would spell every one of them the same; the letter model tells them apart
    text = "Москва заявила, что переговоры продолжатся на этой неделе, и я не сомневаюсь в этом."
    restored = repair_line(_mis_decode(text))[0]
    assert len(restored) == len(text)
    wrong = sum(a != b for a, b in zip(restored, text))
    broken_letters = sum(1 for c in text if c in "сэяАН")
    assert broken_letters >= 8 and wrong <= 1, restored


def test_a_broken_syllable_is_completed_into_the_common_one() -> None:
    # each of these loses a byte (된 = EB 90 9C loses 0x90) and the bytes left can also be
    # completed into rare syllables (띜다 with 0x9D): the common syllable wins
    for text in ("교육", "관계자는", "된다", "되었다"):
        broken = _mis_decode(text)
        assert len(broken.encode("cp1252", errors="ignore")) < len(text.encode("utf-8"))
        assert repair_line(broken)[0] == text


def test_an_orphaned_no_break_space_lead_at_the_line_end_goes() -> None:
    # "meth.\u00a0" read as Windows-1252 is "meth.Â\u00a0"; trimming the trailing space leaves the "Â"
    fixed, steps = repair_line(_mis_decode("SIOUX FALLS, S.D. – People talk about it: the state is on meth.\u00a0").rstrip())
    assert fixed == "SIOUX FALLS, S.D. – People talk about it: the state is on meth." and steps
    assert repair_line("Tags:Â")[0] == "Tags:"
    assert repair_line("Bend wiresÂ")[0] == "Bend wires"  # no word ends in lowercase and a capital Â
    for line in ("CAFÂ", "ÂÂ"):  # a capital Â ending a word is left alone
        assert repair_line(line) == (line, ())


def test_letters_broken_inside_re_decoded_cyrillic_words_are_restored() -> None:
    # ftfy re-decodes what it can; a letter whose last byte was lost stays as a Latin-1 orphan inside a
    # Cyrillic word ("Ñе"), which the lost-byte decoder completes
    broken = _mis_decode("Все диеты по алфавиту")
    fixed = repair_line(broken)[0]
    assert fixed == "Все диеты по алфавиту", fixed


def test_mojibake_beside_text_decoded_right_is_repaired_run_by_run() -> None:
    # a right no-break space or dash keeps the whole line from being re-decoded; each run still is
    fixed, steps = repair_line("CEO:\u00a0" + _mis_decode("\u200b\u200bJane Roe"))
    assert fixed == "CEO:\u00a0\u200b\u200bJane Roe" and steps
    assert repair_line("He called it—" + _mis_decode("“a reflex” or “a habit”"))[0] == "He called it—“a reflex” or “a habit”"
    assert repair_line("Straße – “quoted” — 東京") == ("Straße – “quoted” — 東京", ())


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="aZé Ñйц†‡¤ÂÃ€™\u00a0\ue000\u0378😀 .", max_size=30))
def test_oddness_counts_what_a_character_at_a_time_count_finds(text: str) -> None:
    # rare marks, symbols, private-use and unassigned code points; mixed Latin-1 and Cyrillic words
    from wirewash.tasks.read.repair import _is_mixed_script_word, _is_rare_in_prose, _oddness

    assert _oddness(text)[1:] == (sum(1 for c in text if _is_rare_in_prose(c)),
                                  sum(1 for word in re.findall(r"\w+", text) if _is_mixed_script_word(word)))
