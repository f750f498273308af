"""The benchmark's scale corpus, made from the shared evaluation texts (``../shared/evaldata``).

Shape (defaults): about 20,500 text scrapes in 60 outlet folders, ~13 body
paragraphs each (≥ 250,000 kept paragraphs), plus 1,550 HTML pages. Reuse is
made the way news reuses text:

* **wire stories** are published by one outlet and picked up by 0–6 others:
  most paragraphs verbatim, some with house-style edits (a word changed,
  inserted or cut), a sentence trimmed, two paragraphs merged, a quote
  lifted into the outlet's own paragraph, paragraphs dropped or added;
* the **real texts** (aeb text-page / text-main, the syndicated set with its
  wire copies) are copied in as they are, page chrome and all;
* each outlet wraps its stories in its own **template** (navigation, brand,
  footer lines taken from the aeb page dumps), which the cleaner must remove;
* **HTML pages** are the aeb pages, each copied several times with words
  perturbed in the text and an ad block inserted, so no two are identical.

Paragraphs that are not copies are generated from a word-bigram model of the
shared prose, so unrelated stories share stock phrases but not sentences,
as real unrelated articles do. Everything is seeded: the same arguments give
the same corpus, byte for byte.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import random
import re
import shutil
from collections import Counter
from pathlib import Path

import numpy as np

VERSION = 4  # bump when the generator changes: a cached corpus of another version is rebuilt
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


class Corpus:
    def __init__(self, shared: Path, seed: int) -> None:
        ev = shared / "evaldata"
        self.rng = random.Random(seed)
        self.pages = [_lines(p) for p in sorted((ev / "aeb" / "text-page").iterdir())]
        self.mains = [_lines(p) for p in sorted((ev / "aeb" / "text-main").iterdir())]
        self.syndicated = {p.name: p.read_bytes() for p in sorted((ev / "syndicated" / "raw").iterdir())}
        self.html = sorted((ev / "aeb" / "html").iterdir())
        prose = [line for lines in self.mains for line in _prose(lines)]
        prose += [line for data in self.syndicated.values() for line in _prose(data.decode("utf-8", "replace").splitlines())]
        self.prose = prose
        main_lines = {line for lines in self.mains for line in lines}
        chrome = Counter(line for lines in self.pages for line in lines
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


def _write_text(path: Path, corpus: Corpus, head: list[str], foot: list[str], story: list[str]) -> int:
    rng = corpus.rng
    title = " ".join(corpus.sentence().split()[:rng.randint(6, 12)]).rstrip(".,;:")
    lines = head + [title, f"By {rng.choice(['Anna', 'Ben', 'Chen', 'Dara', 'Eli', 'Farah'])} "
                           f"{rng.choice(['Ortiz', 'Kim', 'Novak', 'Mensah', 'Rossi', 'Haddad'])}",
                    f"November {rng.randint(1, 28)}, 2019"]
    lines += story + foot
    path.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    return len(story)


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


def build(shared: Path, out: Path, *, text_files: int = 20_500, html_pages: int = 1_550, outlets: int = 60,
          seed: int = 8) -> dict[str, int]:
    """Write the corpus under ``out/raw`` (rebuilt from scratch) and return its counts."""
    stamp = out / "corpus.json"
    wanted = {"version": VERSION, "text_files": text_files, "html_pages": html_pages, "outlets": outlets, "seed": seed}
    if stamp.is_file():
        meta = json.loads(stamp.read_text())
        if meta.get("args") == wanted:
            return meta["counts"]
    raw = out / "raw"
    if raw.exists():
        shutil.rmtree(raw)
    raw.mkdir(parents=True)
    corpus = Corpus(shared, seed)
    rng = corpus.rng
    templates = [_outlet_template(corpus, k) for k in range(outlets)]
    for k in range(outlets):
        (raw / f"outlet{k:02d}").mkdir()
    written = paragraphs = 0
    # the real texts first, as they are
    for i, lines in enumerate(corpus.pages + corpus.mains):
        (raw / f"outlet{i % outlets:02d}" / f"aeb-{i:04d}.txt").write_text("\n\n".join(lines) + "\n", encoding="utf-8")
        written += 1
    (raw / "syndicated").mkdir()
    for name, data in corpus.syndicated.items():
        (raw / "syndicated" / name).write_bytes(data)
        written += 1
    n_story = 0
    while written < text_files:
        story = corpus.story()
        first = rng.randrange(outlets)
        copies = min(int(rng.expovariate(0.6)), 6, text_files - written - 1)
        others = rng.sample([o for o in range(outlets) if o != first], copies)
        for j, outlet in enumerate([first] + others):
            body = story if j == 0 else corpus.copy(story)
            path = raw / f"outlet{outlet:02d}" / f"story-{n_story:05d}-{j}.txt"
            paragraphs += _write_text(path, corpus, *templates[outlet], body)
            written += 1
        n_story += 1
    html_dir = raw / "html"
    html_dir.mkdir()
    pages = [(p, gzip.decompress(p.read_bytes()).decode("utf-8", "replace")) for p in corpus.html]
    for k in range(html_pages):
        src, html = pages[k % len(pages)]
        folder = html_dir / f"site{k % 12:02d}"
        folder.mkdir(exist_ok=True)
        text = html if k < len(pages) else _perturb_html(html, rng, corpus.vocab, k)
        (folder / f"{src.name.split('.')[0][:16]}-{k:04d}.html").write_text(text, encoding="utf-8")
    counts = {"text_files": written, "html_pages": html_pages, "stories": n_story,
              "generated_body_paragraphs": paragraphs}
    digest = hashlib.sha1()
    for path in sorted(raw.rglob("*")):
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(str(path.stat().st_size).encode())
    counts["digest"] = digest.hexdigest()[:12]  # type: ignore[assignment]
    stamp.write_text(json.dumps({"args": wanted, "counts": counts}, indent=1))
    return counts


if __name__ == "__main__":
    import sys
    import time

    t = time.perf_counter()
    print(build(Path(sys.argv[1]), Path(sys.argv[2]), text_files=int(sys.argv[3]) if len(sys.argv) > 3 else 20_500,
                html_pages=int(sys.argv[4]) if len(sys.argv) > 4 else 1_550), f"{time.perf_counter() - t:.1f}s")
