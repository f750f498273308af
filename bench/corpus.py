"""The benchmark's scale corpus, made from the shared evaluation texts (``../shared/evaldata``).

Shape (defaults): 20,500 text scrapes and 1,550 HTML pages. Every page type
of ``evaldata`` is in it, and reuse is made the way news reuses text:

* the **real texts**, byte for byte as they are: both page-dump sets' article
  bodies and whole-page dumps (aeb 181 pages, wcxb-dev 709 pages from ~700
  sites: ``text-main/`` and ``text-page/``, a page's two dumps in the same
  outlet folder), the syndicated set with its wire copies (``syndicated/``)
  and the seed scrapes (``seeds/``): 1,984 files;
* **wire stories** (the rest of the text scrapes, for scale) are published by
  one outlet and picked up by 0–6 others: most paragraphs verbatim, some with
  house-style edits (a word changed, inserted or cut), a sentence trimmed,
  two paragraphs merged, a quote lifted into the outlet's own paragraph,
  paragraphs dropped or added; each outlet wraps its stories in its own
  **template** (navigation, brand, footer lines taken from the page dumps),
  which the cleaner must remove;
* **HTML pages** are drawn from all 890 pages of both sets in a seeded order,
  every page used once before any is used again; only the repeats needed to
  reach the count are perturbed copies (words changed, an ad block inserted).

``families.json`` lists the corpus's families: a wire story with all its
pick-ups, a syndicated story with its copies, a real page with its dumps and
every copy of its HTML, a seed scrape. :func:`subset` takes whole families
(every tenth of each kind, for the bench's "tenth" run), so a smaller corpus
never cuts a story off from its pick-ups.

Paragraphs that are not copies are generated from a word-bigram model of the
shared prose, so unrelated stories share stock phrases but not sentences,
as real unrelated articles do. Everything is seeded: the same arguments give
the same corpus, byte for byte.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import random
import re
import shutil
from collections import Counter
from pathlib import Path

import numpy as np

VERSION = 5  # bump when the generator changes: a cached corpus of another version is rebuilt
WORD_RE = re.compile(r"\S+")
SENTENCE_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"])")


def _lines(path: Path) -> list[str]:
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    return [line.strip() for line in data.decode("utf-8", "replace").splitlines() if line.strip()]


def _prose(lines: list[str]) -> list[str]:
    return [line for line in lines if len(line.split()) >= 15 and line[-1:] in ".\"”’)"]


class BigramModel:
    """A word-bigram chain over the shared prose, sampled in bulk with numpy."""

    def __init__(self, paragraphs: list[str], rng: np.random.Generator) -> None:
        vocab: dict[str, int] = {"<s>": 0}
        pairs: list[tuple[int, int]] = []
        for para in paragraphs:
            for sentence in SENTENCE_RE.split(para):
                words = sentence.split()
                if len(words) < 4:
                    continue
                ids = [0] + [vocab.setdefault(w, len(vocab)) for w in words] + [0]
                pairs.extend(zip(ids, ids[1:]))
        arr = np.array(pairs, dtype=np.int64)
        arr = arr[np.lexsort((arr[:, 1], arr[:, 0]))]
        self.words = np.array(list(vocab), dtype=object)
        self.succ = arr[:, 1]
        self.start = np.searchsorted(arr[:, 0], np.arange(len(vocab)))
        self.count = np.diff(np.append(self.start, len(arr)))
        self.unigram = arr[:, 1][arr[:, 1] != 0]  # successors, so drawn by frequency
        self.rng = rng

    JUMP = 0.5
    """Share of words drawn by frequency instead of from the bigram: a rare word has one successor, and a
    pure chain would copy its source sentence verbatim, so unrelated stories would share long runs."""

    def sentences(self, n: int, max_words: int = 40) -> list[str]:
        state = np.zeros(n, dtype=np.int64)
        out = np.zeros((n, max_words), dtype=np.int64)
        alive = np.ones(n, dtype=bool)
        for step in range(max_words):
            pick = self.start[state] + (self.rng.random(n) * self.count[state]).astype(np.int64)
            nxt = self.succ[pick]
            jump = (self.rng.random(n) < self.JUMP) & (step < max_words - 1) & (nxt != 0)
            nxt = np.where(jump, self.unigram[self.rng.integers(0, len(self.unigram), n)], nxt)
            nxt = np.where(alive, nxt, 0)
            if step < 5:  # no sentence shorter than six words
                again = self.start[state] + (self.rng.random(n) * self.count[state]).astype(np.int64)
                nxt = np.where(alive & (nxt == 0), self.succ[again], nxt)
            out[:, step] = nxt
            alive &= nxt != 0
            state = nxt
        texts = []
        for row in out:
            words = [self.words[i] for i in row if i]
            if not words:
                continue
            text = " ".join(words)
            texts.append(text[0].upper() + text[1:] + ("" if text[-1] in ".!?\"”" else "."))
        return texts


SETS = ("aeb", "wcxb-dev")
"""The page-dump sets of ``evaldata``: each has ``html/<id>.html.gz``, ``text-main/<id>.txt`` (the article body)
and ``text-page/<id>.txt`` (the whole page flattened), for the same pages."""


class Corpus:
    """The shared texts the corpus is made of, and the generators of new stories from them."""

    def __init__(self, shared: Path, seed: int) -> None:
        ev = shared / "evaldata"
        self.ev = ev
        self.rng = random.Random(seed)
        self.ids = {name: sorted(p.name[:-4] for p in (ev / name / "text-main").iterdir() if p.name.endswith(".txt"))
                    for name in SETS}
        pages = [_lines(ev / name / "text-page" / f"{i}.txt") for name in SETS for i in self.ids[name]]
        mains = [_lines(ev / name / "text-main" / f"{i}.txt") for name in SETS for i in self.ids[name]]
        self.syndicated = {p.name: p.read_bytes() for p in sorted((ev / "syndicated" / "raw").iterdir())}
        self.seeds = {p.name: p.read_bytes() for p in sorted((ev / "seeds" / "raw").iterdir())}
        self.html = sorted((name, p) for name in SETS for p in (ev / name / "html").glob("*.html.gz"))
        prose = [line for lines in mains for line in _prose(lines)]
        prose += [line for data in self.syndicated.values() for line in _prose(data.decode("utf-8", "replace").splitlines())]
        self.prose = prose
        main_lines = {line for lines in mains for line in lines}
        chrome = Counter(line for lines in pages for line in lines
                         if line not in main_lines and len(line.split()) <= 8)
        self.chrome = [line for line, _ in chrome.most_common(3000)]
        self.model = BigramModel(prose, np.random.default_rng(seed))
        self._sentences: list[str] = []
        self.vocab = sorted({w for p in prose[:3000] for w in p.split() if w.isalpha() and w.islower() and len(w) > 3})

    def sentence(self) -> str:
        if not self._sentences:
            self._sentences = self.model.sentences(50_000)
        return self._sentences.pop()

    def paragraph(self) -> str:
        if self.rng.random() < 0.01:  # now and then a real paragraph
            return self.rng.choice(self.prose)
        return " ".join(self.sentence() for _ in range(self.rng.choice((1, 2, 2, 3, 3, 4))))

    # --- house-style edits --------------------------------------------------------------------
    def edit(self, para: str) -> list[str]:
        r = self.rng.random()
        words = para.split()
        if r < 0.50:
            return [para]
        if r < 0.72 and len(words) > 6:  # a few words changed, inserted or cut
            for _ in range(self.rng.randint(1, 3)):
                i = self.rng.randrange(len(words))
                op = self.rng.random()
                if op < 0.4:
                    words[i] = self.rng.choice(self.vocab)
                elif op < 0.7:
                    words.insert(i, self.rng.choice(self.vocab))
                elif len(words) > 6:
                    del words[i]
            return [" ".join(words)]
        sentences = SENTENCE_RE.split(para)
        if r < 0.82 and len(sentences) > 1:  # a sentence trimmed
            del sentences[self.rng.randrange(len(sentences))]
            return [" ".join(sentences)]
        if r < 0.88 and len(sentences) > 1:  # split in two
            cut = self.rng.randrange(1, len(sentences))
            return [" ".join(sentences[:cut]), " ".join(sentences[cut:])]
        if r < 0.94:  # a quote lifted into the outlet's own paragraph
            return [self.paragraph() + " " + self.rng.choice(sentences)]
        return []  # dropped

    def story(self) -> list[str]:
        return [self.paragraph() for _ in range(self.rng.randint(9, 17))]

    def copy(self, story: list[str]) -> list[str]:
        out: list[str] = []
        for para in story:
            out.extend(self.edit(para))
            if len(out) >= 2 and self.rng.random() < 0.05:  # two paragraphs merged
                last = out.pop()
                out[-1] = out[-1] + " " + last
            if self.rng.random() < 0.06:
                out.append(self.paragraph())
        return out or story[:3]


def _outlet_template(corpus: Corpus, k: int) -> tuple[list[str], list[str]]:
    rng = random.Random(k)
    head = [f"Outlet{k:02d} News"] + rng.sample(corpus.chrome, rng.randint(4, 10))
    foot = rng.sample(corpus.chrome, rng.randint(2, 6)) + [f"© 2019 Outlet{k:02d} Media Group. All rights reserved."]
    return head, foot


def _text_lines(corpus: Corpus, head: list[str], foot: list[str], story: list[str]) -> list[str]:
    """A scrape's lines: the outlet's template around a title, a byline, a date and the story's paragraphs."""
    rng = corpus.rng
    title = " ".join(corpus.sentence().split()[:rng.randint(6, 12)]).rstrip(".,;:")
    lines = head + [title, f"By {rng.choice(['Anna', 'Ben', 'Chen', 'Dara', 'Eli', 'Farah'])} "
                           f"{rng.choice(['Ortiz', 'Kim', 'Novak', 'Mensah', 'Rossi', 'Haddad'])}",
                    f"November {rng.randint(1, 28)}, 2019"]
    return lines + story + foot


def _perturb_html(html: str, rng: random.Random, vocab: list[str], k: int) -> str:
    def words(match: re.Match[str]) -> str:
        text = match.group(1)
        if len(text) < 40 or rng.random() > 0.5:
            return match.group(0)
        ws = text.split(" ")
        for _ in range(max(1, len(ws) // 25)):
            ws[rng.randrange(len(ws))] = rng.choice(vocab)
        return ">" + " ".join(ws) + "<"
    body = re.sub(r">([^<>]{40,})<", words, html)
    ad = (f'<div class="ad-slot" id="ad-{k}"><p>Advertisement</p><a href="/promo/{k}">Subscribe now for '
          f"$1 a week</a></div>")
    return re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + ad, body, count=1)


class _Families:
    """The files written so far, grouped by family: a wire story and all its pick-ups, or one real page (its
    main text, its page dump and every copy of its HTML), or one syndicated story with its outlets' copies."""

    def __init__(self, raw: Path) -> None:
        self.raw = raw
        self.members: dict[str, list[str]] = {}
        self.kinds: dict[str, str] = {}

    def write(self, kind: str, key: str, rel: str, data: bytes) -> None:
        path = self.raw / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.kinds.setdefault(key, kind)
        self.members.setdefault(key, []).append(rel)

    def manifest(self) -> list[dict[str, object]]:
        return [{"key": key, "kind": self.kinds[key], "files": files} for key, files in self.members.items()]


def _write_real(corpus: Corpus, families: _Families, outlets: int) -> int:
    """The real texts, byte for byte as they are: both dump sets' main and page texts (a page's two dumps in one
    outlet folder), the syndicated set (its own folder) and the seed scrapes (theirs). Returns the file count."""
    written = 0
    for n, (name, page_id) in enumerate((name, i) for name in SETS for i in corpus.ids[name]):
        short = name.split("-")[0]
        for dump in ("text-main", "text-page"):
            data = (corpus.ev / name / dump / f"{page_id}.txt").read_bytes()
            rel = f"outlet{n % outlets:02d}/{short}-{dump[5:]}-{page_id[:16]}.txt"
            families.write(name, f"{name}:{page_id}", rel, data)
            written += 1
    for file, data in corpus.syndicated.items():
        families.write("syndicated", f"syndicated:{file.split('_')[0]}", f"syndicated/{file}", data)
        written += 1
    for file, data in corpus.seeds.items():
        families.write("seeds", f"seeds:{file}", f"seeds/{file}", data)
        written += 1
    return written


def _write_wire(corpus: Corpus, families: _Families, outlets: int, files: int) -> tuple[int, int, int]:
    """Generated wire stories, each published by one outlet and picked up by 0-6 others (the last one cut short
    so exactly ``files`` are written, still whole). Returns (files, stories, body paragraphs)."""
    rng, written, paragraphs, n_story = corpus.rng, 0, 0, 0
    templates = [_outlet_template(corpus, k) for k in range(outlets)]
    while written < files:
        story = corpus.story()
        first = rng.randrange(outlets)
        copies = min(int(rng.expovariate(0.6)), 6, files - written - 1)
        others = rng.sample([o for o in range(outlets) if o != first], copies)
        for j, outlet in enumerate([first] + others):
            body = story if j == 0 else corpus.copy(story)
            lines = _text_lines(corpus, *templates[outlet], body)
            families.write("wire", f"wire:{n_story:05d}", f"outlet{outlet:02d}/story-{n_story:05d}-{j}.txt",
                           ("\n\n".join(lines) + "\n").encode("utf-8"))
            paragraphs += len(body)
            written += 1
        n_story += 1
    return written, n_story, paragraphs


def _write_html(corpus: Corpus, families: _Families, pages: int, seed: int) -> None:
    """``pages`` HTML pages drawn from every page of both dump sets in a seeded order, each used once before any
    is used again; the repeats are perturbed copies (words changed, an ad block), so no two pages are identical.
    Unperturbed pages keep their bytes (and declared charsets) as they are."""
    rng = random.Random(f"html:{seed}")
    order = list(corpus.html)
    rng.shuffle(order)
    for k in range(pages):
        name, src = order[k % len(order)]
        data = gzip.decompress(src.read_bytes())
        if k >= len(order):
            text = data.decode("utf-8", "surrogateescape")
            data = _perturb_html(text, rng, corpus.vocab, k).encode("utf-8", "surrogateescape")
        page_id = src.name.split(".")[0]
        rel = f"html/site{k % 12:02d}/{name.split('-')[0]}-{page_id[:16]}-{k:04d}.html"
        families.write(name, f"{name}:{page_id}", rel, data)


def _digest(raw: Path) -> str:
    digest = hashlib.sha1()
    for path in sorted(raw.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(raw)).encode())
            digest.update(hashlib.sha1(path.read_bytes()).digest())
    return digest.hexdigest()[:12]


def _cached(stamp: Path, wanted: dict[str, object]) -> dict[str, int] | None:
    if stamp.is_file():
        meta = json.loads(stamp.read_text())
        if meta.get("args") == wanted:
            return meta["counts"]  # type: ignore[no-any-return]
    return None


def build(shared: Path, out: Path, *, text_files: int = 20_500, html_pages: int = 1_550, outlets: int = 60,
          seed: int = 8) -> dict[str, int]:
    """Write the corpus under ``out/raw`` (rebuilt from scratch unless ``out/corpus.json`` says it is already
    this one) and its families to ``out/families.json``; return its counts. At least the real texts are
    written (1,984 files), then wire stories up to ``text_files``, then ``html_pages`` pages."""
    stamp = out / "corpus.json"
    wanted = {"version": VERSION, "text_files": text_files, "html_pages": html_pages, "outlets": outlets, "seed": seed}
    if (counts := _cached(stamp, wanted)) is not None:
        return counts
    raw = out / "raw"
    if raw.exists():
        shutil.rmtree(raw)
    raw.mkdir(parents=True)
    corpus = Corpus(shared, seed)
    families = _Families(raw)
    real = _write_real(corpus, families, outlets)
    wire, stories, paragraphs = _write_wire(corpus, families, outlets, max(0, text_files - real))
    _write_html(corpus, families, html_pages, seed)
    (out / "families.json").write_text(json.dumps(families.manifest(), indent=0))
    counts = {"text_files": real + wire, "real_text_files": real, "html_pages": html_pages, "stories": stories,
              "generated_body_paragraphs": paragraphs, "families": len(families.members)}
    counts["digest"] = _digest(raw)  # type: ignore[assignment]
    stamp.write_text(json.dumps({"args": wanted, "counts": counts}, indent=1))
    return counts


def subset(full: Path, out: Path, every: int = 10) -> dict[str, int]:
    """A ``1/every`` share of the corpus under ``full``, made of whole families: of each kind of family (wire
    stories, syndicated stories, pages of each dump set, seeds) every ``every``-th in the corpus's order, with
    all its files, hard-linked (or copied) from ``full/raw`` to ``out/raw``. So no story lacks its pick-ups and
    no page its dumps; the counts are near, not exactly, a tenth."""
    stamp = out / "corpus.json"
    wanted = {"version": VERSION, "of": json.loads((full / "corpus.json").read_text()), "every": every}
    if (counts := _cached(stamp, wanted)) is not None:
        return counts
    raw = out / "raw"
    if raw.exists():
        shutil.rmtree(raw)
    seen: Counter[str] = Counter()
    kept: list[dict[str, object]] = []
    for family in json.loads((full / "families.json").read_text()):
        seen[family["kind"]] += 1
        if (seen[family["kind"]] - 1) % every == 0:
            kept.append(family)
    for family in kept:
        for rel in family["files"]:  # type: ignore[attr-defined]
            target = raw / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(full / "raw" / rel, target)
            except OSError:
                shutil.copyfile(full / "raw" / rel, target)
    files = [rel for family in kept for rel in family["files"]]  # type: ignore[attr-defined]
    html = sum(1 for rel in files if rel.endswith(".html"))
    counts = {"text_files": len(files) - html, "html_pages": html, "families": len(kept),
              "stories": sum(1 for family in kept if family["kind"] == "wire")}
    counts["digest"] = _digest(raw)  # type: ignore[assignment]
    stamp.write_text(json.dumps({"args": wanted, "counts": counts}, indent=1))
    return counts


if __name__ == "__main__":
    import sys
    import time

    t = time.perf_counter()
    print(build(Path(sys.argv[1]), Path(sys.argv[2]), text_files=int(sys.argv[3]) if len(sys.argv) > 3 else 20_500,
                html_pages=int(sys.argv[4]) if len(sys.argv) > 4 else 1_550), f"{time.perf_counter() - t:.1f}s")
