// wirewash report: renders the views of one run from the JSON blob embedded in the page.
// Every string from the data reaches the page through textContent or createTextNode, never
// through innerHTML, and links are built only to "#..." or http(s) addresses.
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("wirewash-data").textContent);
  var PAGE = 50;
  var view = document.getElementById("ww-view");
  var summary = document.getElementById("ww-summary");

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) return;
      if (key === "text") node.textContent = String(value);
      else if (key === "cls") node.className = value;
      else if (key === "on") Object.keys(value).forEach(function (ev) { node.addEventListener(ev, value[ev]); });
      else if (key === "href") node.setAttribute("href", safeHref(value));
      else node.setAttribute(key, value === true ? "" : String(value));
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined || child === false) return;
      node.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
    });
    return node;
  }

  function safeHref(value) {
    var s = String(value);
    return s.charAt(0) === "#" || /^https?:\/\//i.test(s) ? s : "#";
  }

  function link(hash, label) { return el("a", { href: hash, text: label }); }
  function route() { return "#" + Array.prototype.slice.call(arguments).map(encodeURIComponent).join("/"); }
  function pct(x) { return (100 * x).toFixed(x > 0 && x < 0.01 ? 2 : 1) + "%"; }
  function fmt(x) { return x === null || x === undefined ? "—" : typeof x === "number" ? String(Math.round(x * 1000) / 1000) : String(x); }
  function where(side) { return side.file + ":" + side.lines[0] + (side.lines[1] !== side.lines[0] ? "–" + side.lines[1] : ""); }
  function clip(text, n) { return text.length > n ? text.slice(0, n - 1) + "…" : text; }
  function bar(fraction) { var b = el("span", { cls: "bar" }); b.style.width = Math.max(0, Math.min(1, fraction)) * 8 + "em"; return b; }

  var docsById = {};
  DATA.documents.forEach(function (d) { docsById[d.id] = d; });
  var clustersById = {};
  DATA.clusters.forEach(function (c) { clustersById[c.id] = c; });
  var pairsBySide = {};
  DATA.pairs.forEach(function (p) {
    [p.a, p.b].forEach(function (side) { (pairsBySide[side.file + ":" + side.lines[0]] = pairsBySide[side.file + ":" + side.lines[0]] || []).push(p); });
  });
  function uniq(values) { return Array.from(new Set(values.filter(function (v) { return v !== null && v !== undefined && v !== ""; }))).sort(); }
  var OUTLETS = uniq(DATA.documents.map(function (d) { return d.outlet; }));
  var lower = new WeakMap();
  function haystack(item, parts) {
    if (!lower.has(item)) lower.set(item, parts().join("\n").toLowerCase());
    return lower.get(item);
  }

  // A paginated, filterable table. spec: {title, items, filters, match, head, row, note}
  var states = {};
  function listView(name, spec) {
    var state = states[name] = states[name] || { page: 0 };
    var results = el("div");
    var controls = el("div", { cls: "controls" }, spec.filters.map(function (f) {
      if (f.type === "search") {
        return el("input", { type: "search", placeholder: f.label, value: state[f.key] || "", "aria-label": f.label,
          on: { input: function (e) { state[f.key] = e.target.value; state.page = 0; draw(); } } });
      }
      if (f.type === "check") {
        return el("label", {}, [el("input", { type: "checkbox", checked: !!state[f.key],
          on: { change: function (e) { state[f.key] = e.target.checked; state.page = 0; draw(); } } }), " " + f.label]);
      }
      var select = el("select", { "aria-label": f.label, on: { change: function (e) { state[f.key] = e.target.value; state.page = 0; draw(); } } },
        [el("option", { value: "", text: f.label })].concat(f.options.map(function (o) {
          return el("option", { value: o, text: o, selected: state[f.key] === o });
        })));
      return select;
    }));
    function draw() {
      var q = (state.q || "").trim().toLowerCase();
      var items = spec.items.filter(function (item) { return spec.match(item, state, q); });
      var pages = Math.max(1, Math.ceil(items.length / PAGE));
      state.page = Math.min(state.page, pages - 1);
      var shown = items.slice(state.page * PAGE, state.page * PAGE + PAGE);
      var pager = el("div", { cls: "pager" }, [
        el("button", { text: "‹ previous", disabled: state.page === 0, on: { click: function () { state.page--; draw(); } } }),
        el("span", { cls: "muted", text: "page " + (state.page + 1) + " of " + pages + " · " + items.length + " of " + spec.items.length + " " + spec.noun }),
        el("button", { text: "next ›", disabled: state.page >= pages - 1, on: { click: function () { state.page++; draw(); } } }),
      ]);
      var table = shown.length
        ? el("table", { cls: "list" }, [el("tr", {}, spec.head.map(function (h) { return el("th", { cls: h.charAt(0) === "#" ? "n" : null, text: h.replace(/^#/, "") }); }))].concat(shown.map(spec.row)))
        : el("p", { cls: "empty", text: spec.items.length ? "Nothing matches these filters." : spec.none });
      results.replaceChildren(pager, table);
    }
    draw();
    return el("section", {}, [el("h2", { text: spec.title }), spec.note ? el("p", { cls: "muted", text: spec.note }) : null, controls, results]);
  }

  function goRow(hash, cells) {
    return el("tr", { cls: "go", on: { click: function (e) { if (e.target.tagName !== "A") location.hash = hash; } } }, cells);
  }
  function td(value, cls) { return el("td", { cls: cls }, [value]); }

  function documentsView() {
    var rules = uniq([].concat.apply([], DATA.documents.map(function (d) { return d.rules; })));
    return listView("documents", {
      title: "Documents", noun: "documents", none: "No document was processed.", items: DATA.documents,
      filters: [{ key: "q", type: "search", label: "search title, file, text" }, { key: "outlet", type: "select", label: "any outlet", options: OUTLETS },
        { key: "rule", type: "select", label: "any removal rule", options: rules }, { key: "reuse", type: "check", label: "with reused paragraphs" }],
      match: function (d, s, q) {
        return (!s.outlet || d.outlet === s.outlet) && (!s.rule || d.rules.indexOf(s.rule) >= 0) && (!s.reuse || d.reused > 0) &&
          (!q || haystack(d, function () { return [d.source, d.title || "", d.author || "", d.outlet].concat(d.segments.map(function (g) { return g[5]; })); }).indexOf(q) >= 0);
      },
      head: ["file", "outlet", "title", "published", "#paragraphs", "#lines removed", "#reused"],
      row: function (d) {
        return goRow(route("doc", d.id), [td(link(route("doc", d.id), d.source)), td(d.outlet), td(d.title || "—"), td(d.published || "—", "date"),
          td(d.paragraphs, "n"), td(d.removed, "n"), td(d.reused, "n")]);
      },
    });
  }

  function documentView(id) {
    var d = docsById[id];
    if (!d) return missing("document", id);
    var meta = el("dl", { cls: "meta" });
    [["file", d.source], ["outlet", d.outlet], ["title", d.title], ["author", d.author], ["published", d.published],
      ["url", d.url], ["copyright", d.copyright], ["words kept", d.words], ["words found elsewhere", d.reused_words + " (" + pct(d.words ? d.reused_words / d.words : 0) + ")"], ["Unicode repairs", d.fixes.join(", ")]].forEach(function (kv) {
      if (kv[1] === null || kv[1] === undefined || kv[1] === "") return;
      meta.appendChild(el("dt", { text: kv[0] }));
      meta.appendChild(el("dd", {}, [kv[0] === "url" && /^https?:\/\//i.test(kv[1]) ? el("a", { href: kv[1], rel: "noopener noreferrer", text: kv[1] }) : String(kv[1])]));
    });
    var lines = el("div", { cls: "lines" }, d.segments.map(function (g) {
      var span = g[0] === g[1] ? String(g[0]) : g[0] + "–" + g[1];
      var text = el("div", { cls: "text" }, [g[5]]);
      var body = el("div", {}, [text]);
      if (g[2] !== "kept") {
        body.appendChild(el("span", { cls: "why" }, [g[2] + " · ", el("span", { cls: "cat", text: g[3] + " · " }), g[4], g[6] ? " — " + g[6] : ""]));
      }
      if (g[7]) body.appendChild(reuseBadges(d, g));
      return el("div", { cls: "seg " + g[2] }, [el("div", { cls: "num", text: span }), body]);
    }));
    var toggle = el("label", {}, [el("input", { type: "checkbox", checked: true, on: { change: function (e) { lines.classList.toggle("hide-removed", !e.target.checked); } } }), " show removed lines"]);
    return el("section", { cls: "doc" }, [
      el("p", {}, [link("#documents", "← documents")]),
      el("h2", { text: d.title || d.source }), meta,
      el("p", { cls: "legend muted" }, [el("span", { text: "Raw lines, numbered as in the file:" }), el("span", { cls: "lg-removed", text: "removed" }),
        el("span", { text: "(the rule and its reason below)" }), el("span", { cls: "lg-kept", text: "kept" }), el("b", { text: "title" }),
        el("i", { text: "metadata" }), toggle]),
      d.lines_omitted ? el("p", { cls: "muted", text: "This page holds the raw lines of the first documents only; this document's lines, " +
        "each with its decision and rule, are in provenance.jsonl." }) : lines,
    ]);
  }

  function reuseBadges(d, g) {
    var notes = g[7];
    var box = el("div");
    if (notes.cluster) {
      box.appendChild(el("a", { cls: "badge" + (notes.canonical ? " canon" : ""), href: route("cluster", notes.cluster),
        text: "cluster " + notes.cluster + (notes.canonical ? " · canonical copy" : "") }));
    }
    (pairsBySide[d.source + ":" + g[0]] || []).forEach(function (p) {
      var other = p.a.file === d.source && p.a.lines[0] === g[0] ? p.b : p.a;
      box.appendChild(el("a", { cls: "badge", href: route("pair", String(p.n)), text: p.kind + " with " + (other.outlet || other.run || "?") + " · " + where(other) }));
    });
    return box;
  }

  function marked(pieces) {
    return pieces.map(function (piece, i) { return i % 2 ? el("mark", { text: piece }) : document.createTextNode(piece); });
  }

  function column(side, extra) {
    var doc = side.doc ? docsById[side.doc] : null;
    var head = el("div", { cls: "head" }, [
      el("b", { text: side.outlet || (side.run ? "earlier run " + side.run : "unknown outlet") }), " · ", side.published || "no date",
      el("br"), doc ? link(route("doc", doc.id), where(side)) : where(side), " · " + side.words + " words",
      extra ? el("br") : null, extra || null,
    ]);
    var body = el("div", { cls: "body" }, side.pieces.join("") ? marked(side.pieces) : [el("span", { cls: "empty", text: "text not in this run" })]);
    return el("div", { cls: "col" + (side.canonical ? " canon" : "") }, [head, body]);
  }

  function clustersView() {
    return listView("clusters", {
      title: "Reuse clusters", noun: "clusters", items: DATA.clusters,
      none: "No near-duplicate cluster in this run: no paragraph was copied, lightly edited, by two or more documents.",
      note: "A cluster is one paragraph that several documents carry in near-identical form; the canonical copy is the one the others are scored against." +
        (DATA.clusters_omitted ? " This page shows the first " + DATA.clusters.length + "; " + DATA.clusters_omitted + " more are in clusters.jsonl." : ""),
      filters: [{ key: "q", type: "search", label: "search text, file" }, { key: "outlet", type: "select", label: "any outlet", options: OUTLETS }],
      match: function (c, s, q) {
        return (!s.outlet || c.outlets.indexOf(s.outlet) >= 0) &&
          (!q || haystack(c, function () { return c.members.map(function (m) { return m.file + "\n" + m.pieces.join(""); }).concat([c.id]); }).indexOf(q) >= 0);
      },
      head: ["cluster", "#copies", "outlets", "first published", "canonical copy", "paragraph"],
      row: function (c) {
        var canon = c.members.filter(function (m) { return m.canonical; })[0] || c.members[0];
        return goRow(route("cluster", c.id), [td(link(route("cluster", c.id), c.id)), td(c.members.length, "n"), td(c.outlets.join(", ")),
          td(c.first || "—", "date"), td(where(canon)), el("td", { cls: "snip", text: clip(canon.pieces.join(""), 140) })]);
      },
    });
  }

  function clusterView(id) {
    var c = clustersById[id];
    if (!c) return missing("cluster", id);
    return el("section", {}, [
      el("p", {}, [link("#clusters", "← clusters")]),
      el("h2", { text: "Cluster " + c.id }),
      el("p", { cls: "muted", text: c.members.length + " copies in " + c.outlets.length + " outlets (" + c.outlets.join(", ") + "), published " +
        (c.first ? c.first + (c.last !== c.first ? " to " + c.last : "") : "on unknown dates") + ". Canonical copy chosen by: " + (c.rule || "—") +
        ". Highlighted: the passages each member shares with the canonical copy." }),
      el("div", { cls: "grid" }, c.members.map(function (m) {
        return column(m, m.canonical ? el("span", { cls: "badge canon", text: "canonical copy" }) : el("span", { cls: "kind", text: "jaccard " + fmt(m.jaccard) + " · containment " + fmt(m.containment) }));
      })),
    ]);
  }

  function pairsView() {
    return listView("pairs", {
      title: "Reuse pairs", noun: "pairs", items: DATA.pairs, none: "No reuse pair in this run.",
      note: "near-duplicate: the same paragraph, edited · contained: most of one paragraph inside another · shared-text: a sentence or long clause in both." +
        (DATA.pairs_omitted ? " This page shows the first " + DATA.pairs.length + "; " + DATA.pairs_omitted + " more are in overlaps.jsonl." : ""),
      filters: [{ key: "q", type: "search", label: "search text, file" }, { key: "kind", type: "select", label: "any kind", options: uniq(DATA.pairs.map(function (p) { return p.kind; })) },
        { key: "outlet", type: "select", label: "any outlet", options: OUTLETS }],
      match: function (p, s, q) {
        return (!s.kind || p.kind === s.kind) && (!s.outlet || p.a.outlet === s.outlet || p.b.outlet === s.outlet) &&
          (!q || haystack(p, function () { return [p.a.file, p.b.file, p.a.pieces.join(""), p.b.pieces.join("")]; }).indexOf(q) >= 0);
      },
      head: ["pair", "kind", "a", "b", "#jaccard", "#containment", "shared text"],
      row: function (p) {
        return goRow(route("pair", String(p.n)), [td(link(route("pair", String(p.n)), "#" + p.n)), td(p.kind, "kind"),
          td((p.a.outlet || "?") + " · " + where(p.a)), td((p.b.outlet || "?") + " · " + where(p.b)), td(fmt(p.jaccard), "n"), td(fmt(p.containment), "n"),
          el("td", { cls: "snip", text: clip(p.shared || "", 140) })]);
      },
    });
  }

  function pairView(n) {
    var p = DATA.pairs[Number(n)];
    if (!p) return missing("pair", n);
    return el("section", {}, [
      el("p", {}, [link("#pairs", "← pairs")]),
      el("h2", { text: "Pair #" + p.n + ": " + p.kind }),
      el("p", { cls: "muted", text: "jaccard " + fmt(p.jaccard) + " · containment " + fmt(p.containment) + ". Highlighted: the passages the two paragraphs share (" + pct(p.a_share || 0) + " and " + pct(p.b_share || 0) + " of their words)." }),
      el("div", { cls: "grid" }, [column(p.a), column(p.b)]),
      p.shared ? el("div", {}, [el("h3", { text: "Shared text" }), el("p", { text: p.shared })]) : null,
    ]);
  }

  function outletsView() {
    return listView("outlets", {
      title: "Outlets: who shares text with whom", noun: "outlet pairs", items: DATA.outlets,
      none: "No two outlets share text in this run.",
      note: "For each pair of outlets: the share of one outlet's kept words that reappear at the other, the stories involved, and who published first (by the stories' dates).",
      filters: [{ key: "outlet", type: "select", label: "any outlet", options: OUTLETS }],
      match: function (r, s) { return !s.outlet || r.a === s.outlet || r.b === s.outlet; },
      head: ["outlet a", "outlet b", "a's text found at b", "b's text found at a", "#stories", "#pairs", "a first", "b first", "same day", "undated"],
      row: function (r) {
        var hash = route("outlet", r.a, r.b);
        return goRow(hash, [td(link(hash, r.a)), td(r.b),
          el("td", {}, [bar(r.a_share), pct(r.a_share) + " (" + r.a_words + " of " + r.a_total + " words)"]),
          el("td", {}, [bar(r.b_share), pct(r.b_share) + " (" + r.b_words + " of " + r.b_total + " words)"]),
          td(r.stories, "n"), td(r.pairs, "n"), td(r.a_first, "n"), td(r.b_first, "n"), td(r.same_day, "n"), td(r.undated, "n")]);
      },
    });
  }

  function outletView(a, b) {
    var r = DATA.outlets.filter(function (x) { return x.a === a && x.b === b; })[0];
    if (!r) return missing("outlet pair", a + " / " + b);
    var pairs = DATA.pairs.filter(function (p) { return (p.a.outlet === a && p.b.outlet === b) || (p.a.outlet === b && p.b.outlet === a); });
    var clusters = DATA.clusters.filter(function (c) { return c.outlets.indexOf(a) >= 0 && c.outlets.indexOf(b) >= 0; });
    return el("section", {}, [
      el("p", {}, [link("#outlets", "← outlets")]),
      el("h2", { text: a + " ↔ " + b }),
      el("p", { text: pct(r.a_share) + " of " + a + "'s kept words (" + r.a_words + " of " + r.a_total + ") reappear at " + b + "; " + pct(r.b_share) + " of " + b +
        "'s (" + r.b_words + " of " + r.b_total + ") reappear at " + a + ". Over " + r.stories + " pairs of stories, " + a + " published first in " + r.a_first + ", " +
        b + " in " + r.b_first + ", both on the same day in " + r.same_day + ", and " + r.undated + " lack a date." }),
      el("h3", { text: "Clusters both carry (" + clusters.length + ")" }),
      clusters.length ? el("ul", {}, clusters.map(function (c) { return el("li", {}, [link(route("cluster", c.id), c.id), " · " + c.members.length + " copies · " + clip(c.members[0].pieces.join(""), 100)]); }))
        : el("p", { cls: "empty", text: "none" }),
      el("h3", { text: "Reuse pairs (" + pairs.length + ")" }),
      pairs.length ? el("table", {}, [el("tr", {}, ["pair", "kind", "a", "b", "shared text"].map(function (h) { return el("th", { text: h }); }))].concat(pairs.map(function (p) {
        return goRow(route("pair", String(p.n)), [td(link(route("pair", String(p.n)), "#" + p.n)), td(p.kind, "kind"), td(p.a.outlet + " · " + where(p.a)),
          td(p.b.outlet + " · " + where(p.b)), el("td", { cls: "snip", text: clip(p.shared || "", 120) })]);
      }))) : el("p", { cls: "empty", text: "none (the text they share comes from cluster members)" }),
    ]);
  }

  function missing(what, id) { return el("p", { cls: "empty", text: "No " + what + " " + id + " in this run." }); }

  var VIEWS = { documents: documentsView, doc: documentView, clusters: clustersView, cluster: clusterView, pairs: pairsView, pair: pairView, outlets: outletsView, outlet: outletView };
  var TAB = { doc: "documents", cluster: "clusters", pair: "pairs", outlet: "outlets" };

  function decode(s) { try { return decodeURIComponent(s); } catch (e) { return s; } }

  function show() {
    // "#view/arg": one argument, which may hold "/" (document ids are paths); "#outlet/a/b": two.
    var hash = location.hash.replace(/^#/, ""), cut = hash.indexOf("/");
    var head = cut < 0 ? hash : hash.slice(0, cut), rest = cut < 0 ? null : hash.slice(cut + 1);
    var parts = [head].concat(rest === null ? [] : head === "outlet" ? rest.split("/").map(decode) : [decode(rest)]);
    var name = VIEWS[parts[0]] ? parts[0] : "summary";
    var tab = TAB[name] || name;
    Array.prototype.forEach.call(document.querySelectorAll("nav a"), function (a) {
      if (a.getAttribute("href") === "#" + tab) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
    });
    summary.hidden = name !== "summary";
    view.hidden = name === "summary";
    view.replaceChildren(name === "summary" ? el("div") : VIEWS[name].apply(null, parts.slice(1)));
    view.setAttribute("data-view", name);
    window.scrollTo(0, 0);
  }
  window.addEventListener("hashchange", show);
  show();
  document.documentElement.setAttribute("data-ready", "1");
})();
