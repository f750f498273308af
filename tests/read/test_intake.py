"""Intake of archives: WARC and JSONL sniffed from content, streamed per record, broken records quarantined."""
from __future__ import annotations

import gzip
import json
from pathlib import Path

from conftest import warc_record
from wirewash.tasks.read.record_files import record_doc_id, sniff_record_file
from wirewash.tasks.read.warc import dechunk
from wirewash.tasks.read.intake import RawText, read_source
from wirewash.tasks.records import Quarantine

PAGE = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head>\n<body>\n"
    "<article><h1>{title}</h1>\n<p>{body}</p>\n</article></body></html>\n"
)


def chunked(data: bytes, size: int = 7) -> bytes:
    parts = [f"{len(data[i:i + size]):x}\r\n".encode() + data[i : i + size] + b"\r\n" for i in range(0, len(data), size)]
    return b"".join(parts) + b"0\r\n\r\n"


def page(n: int) -> bytes:
    return PAGE.format(title=f"Story {n}", body=f"Paragraph of story {n} with enough words to read.").encode()


def test_sniff_from_content_not_extension() -> None:
    assert sniff_record_file("crawl.bin", b"WARC/1.0\r\nWARC-Type: warcinfo\r\n") == "warc"
    assert sniff_record_file("export.txt", b'\n{"url": "https://a.example/x", "text": "hi"}\n') == "jsonl"
    assert sniff_record_file("list.jsonl", b'["not", "an", "object"]\n') is None
    assert sniff_record_file("page.html", b"<!doctype html><html>") is None
    assert sniff_record_file("notes.txt", b"{ this is not json }\nmore") is None


def test_record_ids_are_deterministic_safe_and_traceable() -> None:
    first = record_doc_id("crawl/site", "https://www.example.com/news/a b?x=1")
    assert first == record_doc_id("crawl/site", "https://www.example.com/news/a b?x=1")
    assert first.startswith("crawl/site/example.com-news-a-b-")
    assert all(c.isalnum() or c in "/._-" for c in first)
    assert first != record_doc_id("crawl/site", "https://www.example.com/news/a b?x=2")


def test_dechunk() -> None:
    assert dechunk(chunked(b"hello chunked world")) == b"hello chunked world"


def test_warc_yields_one_document_per_html_response(tmp_path: Path) -> None:
    body = gzip.compress(page(2))
    data = b"".join([
        warc_record("https://example.com/a", page(1)),
        warc_record("https://example.com/a", b"GET /a HTTP/1.1\r\n\r\n", kind="request"),
        warc_record("https://example.com/b", chunked(body),
                    http_headers="Content-Type: text/html\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n"),
        warc_record("https://example.com/logo.png", b"\x89PNG....", http_headers="Content-Type: image/png\r\n"),
    ])
    # .warc.gz is one gzip member per record; a plain gzip of the whole file reads the same
    (tmp_path / "crawl.warc.gz").write_bytes(gzip.compress(data))
    items = read_source(tmp_path, "crawl.warc.gz", 1_000_000)
    assert [type(i) for i in items] == [RawText, RawText]
    a, b = items
    assert isinstance(a, RawText) and isinstance(b, RawText)
    assert a.source == "crawl.warc.gz#https://example.com/a" and a.record == "https://example.com/a"
    assert a.name == record_doc_id("crawl", "https://example.com/a")
    assert a.format == "html" and a.outlet == "example.com" and a.url == "https://example.com/a"
    assert "Paragraph of story 2" in b.text


def test_broken_warc_records_are_quarantined_and_the_rest_read(tmp_path: Path) -> None:
    data = b"".join([
        warc_record("https://example.com/empty", b""),
        warc_record("https://example.com/ok", page(1)),
    ])
    whole = gzip.compress(data) + gzip.compress(warc_record("https://example.com/cut", page(2)))[:-30]
    (tmp_path / "crawl.warc.gz").write_bytes(whole)
    items = read_source(tmp_path, "crawl.warc.gz", 1_000_000)
    quarantined = {q.source: q.reason for q in items if isinstance(q, Quarantine)}
    assert "crawl.warc.gz#https://example.com/empty" in quarantined
    assert "no body" in quarantined["crawl.warc.gz#https://example.com/empty"]
    assert any(source.startswith("crawl.warc.gz#") and "truncated" in reason for source, reason in quarantined.items())
    assert [i.record for i in items if isinstance(i, RawText)] == ["https://example.com/ok"]


def test_warc_record_over_the_cap_is_skipped_not_read(tmp_path: Path) -> None:
    big = PAGE.format(title="Big", body="word " * 5000).encode()
    (tmp_path / "c.warc").write_bytes(warc_record("https://e.com/big", big) + warc_record("https://e.com/ok", page(1)))
    items = read_source(tmp_path, "c.warc", 10_000)
    assert isinstance(items[0], Quarantine) and "too large" in items[0].reason
    assert isinstance(items[1], RawText) and items[1].record == "https://e.com/ok"


def test_jsonl_records_and_bad_lines(tmp_path: Path) -> None:
    lines = [
        json.dumps({"url": "https://news.example/a", "html": page(1).decode(), "title": "Story 1",
                    "published": "2019-11-19", "outlet": "Example News"}),
        "",
        "{not json",
        json.dumps({"text": "A plain text story.\n\nSecond paragraph."}),
        json.dumps(["an", "array"]),
        json.dumps({"url": "https://news.example/b"}),
    ]
    (tmp_path / "export.jsonl.gz").write_bytes(gzip.compress("\n".join(lines).encode()))
    items = read_source(tmp_path, "export.jsonl.gz", 1_000_000)
    docs = [i for i in items if isinstance(i, RawText)]
    bad = {q.source: q.reason for q in items if isinstance(q, Quarantine)}
    assert [d.source for d in docs] == ["export.jsonl.gz#L1", "export.jsonl.gz#L4"]
    assert docs[0].format == "html" and docs[0].outlet == "Example News" and docs[0].title == "Story 1"
    assert docs[0].name == record_doc_id("export", "https://news.example/a")
    assert docs[1].format == "text" and docs[1].name == "export/L4"
    assert set(bad) == {"export.jsonl.gz#L3", "export.jsonl.gz#L5", "export.jsonl.gz#L6"}
    assert "not JSON" in bad["export.jsonl.gz#L3"]


def test_truncated_gzip_jsonl_keeps_the_records_before_the_cut(tmp_path: Path) -> None:
    lines = [json.dumps({"text": f"Story {n} text. " * 50}) for n in range(20)]
    packed = gzip.compress("\n".join(lines).encode())
    (tmp_path / "cut.jsonl.gz").write_bytes(packed[: len(packed) * 2 // 3])
    items = read_source(tmp_path, "cut.jsonl.gz", 1_000_000)
    assert isinstance(items[-1], Quarantine) and "truncated" in items[-1].reason
    assert items[-1].source.startswith("cut.jsonl.gz#L")
    assert any(isinstance(i, RawText) for i in items)


def test_declared_http_charset_decodes_non_utf8(tmp_path: Path) -> None:
    body = PAGE.format(title="Café", body="Crème brûlée for everyone at the café.").encode("cp1252")
    (tmp_path / "c.warc").write_bytes(
        warc_record("https://e.com/fr", body, http_headers="Content-Type: text/html; charset=windows-1252\r\n"))
    (item,) = read_source(tmp_path, "c.warc", 1_000_000)
    assert isinstance(item, RawText) and "Crème brûlée" in item.text and item.encoding == "windows-1252"


def test_plain_files_still_read_as_before(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Hello world.\n")
    (tmp_path / "b.html").write_bytes(page(1))
    (a,), (b,) = (read_source(tmp_path, name, 1_000_000) for name in ("a.txt", "b.html"))
    assert isinstance(a, RawText) and a.format == "text" and a.record is None
    assert isinstance(b, RawText) and b.format == "html" and b.name == "b"


def _with_length(record: bytes, length: str) -> bytes:
    head, sep, rest = record.partition(b"\r\n\r\n")
    lines = [line if not line.startswith(b"Content-Length:") else f"Content-Length: {length}".encode()
             for line in head.split(b"\r\n")]
    return b"\r\n".join(lines) + sep + rest


def test_a_record_with_a_bad_content_length_is_quarantined_and_the_next_one_read(tmp_path: Path) -> None:
    for bad in ("-5", "", "12x"):
        data = b"".join([_with_length(warc_record("https://e.com/bad", page(1)), bad),
                         warc_record("https://e.com/next", page(2)), warc_record("https://e.com/last", page(3))])
        (tmp_path / "c.warc").write_bytes(data)
        items = read_source(tmp_path, "c.warc", 1_000_000)
        assert isinstance(items[0], Quarantine) and items[0].source == "c.warc#https://e.com/bad", items
        assert "Content-Length" in items[0].reason
        assert [i.record for i in items[1:] if isinstance(i, RawText)] == ["https://e.com/next", "https://e.com/last"]


def test_a_block_longer_than_its_length_said_resyncs_at_the_next_record(tmp_path: Path) -> None:
    whole = warc_record("https://e.com/short", page(1))
    declared = int(whole.split(b"Content-Length: ")[1].split(b"\r\n")[0])
    for cut in (40, declared - 5):  # the rest of the block is read as garbage, with or without blank lines in it
        data = _with_length(whole, str(declared - cut)) + warc_record("https://e.com/next", page(2))
        (tmp_path / "c.warc").write_bytes(data)
        items = read_source(tmp_path, "c.warc", 1_000_000)
        assert any(isinstance(i, Quarantine) and "not a WARC record" in i.reason for i in items), items
        assert [i.record for i in items if isinstance(i, RawText)][-1] == "https://e.com/next"


def test_the_raw_scan_reads_files_and_names_every_entry_it_skips(tmp_path: Path) -> None:
    import os

    from wirewash.tasks.read.intake import scan_raw_folder

    raw, outside = tmp_path / "raw", tmp_path / "outside"
    (raw / "outlet").mkdir(parents=True)
    outside.mkdir()
    (raw / "a.txt").write_text("a story")
    (raw / "outlet" / "b.html").write_text("<html></html>")
    (raw / ".hidden.txt").write_text("never listed")
    (outside / "secret.txt").write_text("not ours")
    (raw / "inside-link.txt").symlink_to(raw / "a.txt")
    (raw / "out-link.txt").symlink_to(outside / "secret.txt")
    (raw / "loop").symlink_to(raw, target_is_directory=True)
    (raw / "self-link").symlink_to(raw / "self-link")
    (raw / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    os.mkfifo(raw / "pipe")
    listing = scan_raw_folder(raw)
    assert listing.files == ["a.txt", "inside-link.txt", "outlet/b.html"]
    reasons = {entry.path: entry.reason for entry in listing.skipped}
    assert sorted(reasons) == ["dangling.txt", "loop", "out-link.txt", "pipe", "self-link"]
    assert reasons["loop"].startswith("link to a folder") and reasons["pipe"].startswith("not a regular file (a FIFO)")
    assert "outside raw/" in reasons["out-link.txt"] and "link loop" in reasons["self-link"]
