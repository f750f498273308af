"""Context rules: the cleaner decides them from a line's neighbours, position or batch."""
from __future__ import annotations

from wirewash.tasks.clean.rules.ids import (
    ABOUT_AUTHOR_BIO,
    ABOUT_BLURB,
    BODY_BLOCK,
    BODY_CLEAN_INPUT,
    BODY_CONTINUATION,
    BODY_FULL_CASCADE,
    BODY_HEADING,
    BODY_LIST_ITEM,
    BODY_PARAGRAPH,
    BODY_READABILITY,
    BODY_RESTORED_STRUCTURE,
    BODY_TABLE,
    BODY_TOP_NODE,
    CAPTION_BESIDE_CREDIT,
    CAPTION_LABELLED,
    CAPTION_REPEAT,
    COMMENTS_ENTRY,
    DEK_STANDFIRST,
    EXTRACT_OUTSIDE_ARTICLE,
    GUARD_BACK_OFF,
    MEDIA_WIDGET_BLOCK,
    RELATED_CAPS_HEADLINE,
    RELATED_DOUBLED_HEADLINE,
    RELATED_LIST,
    RELATED_SHARED_CARDS,
    RELATED_TEASER_LIST,
    REPEAT_PAGE_COPY,
    REUSE_NEAR_DUPLICATE,
    SHAPE_INVISIBLE,
    SHAPE_OVERSIZE_LINE,
    TEMPLATE_OUTLET_REPEAT,
    TITLE_HEADLINE,
    ZONE_BOILERPLATE,
    ZONE_FOOTER,
    ZONE_HEADER,
)
from wirewash.tasks.clean.rules.rule import Rule


CONTEXT_RULES: tuple[Rule, ...] = (
    # implemented by the cleaner's passes and the HTML path; golden cases in tests/clean/test_context_rules.py
    Rule(TITLE_HEADLINE, "title", "The headline: the first headline-shaped line before the story starts.", "context"),
    Rule(DEK_STANDFIRST, "dek", "A one-sentence summary right under the headline, before the byline.", "context"),
    Rule(CAPTION_BESIDE_CREDIT, "caption", "A sentence next to a photo credit, or dated like a photo, is its caption.", "context"),
    Rule(CAPTION_LABELLED, "caption", "The line under a bare 'Image caption' label is the caption.", "context"),
    Rule(CAPTION_REPEAT, "caption", "A line repeating an earlier caption or headline in the same page is a copy.", "context"),
    Rule(MEDIA_WIDGET_BLOCK, "media", "Short lines glued to a player control belong to the widget.", "context"),
    Rule(RELATED_LIST, "related", "Short headline-like lines under a 'Read more'/'Most popular' heading are a link list.", "context"),
    Rule(ABOUT_BLURB, "branding", "The paragraphs under an 'About us' / 'About the author' heading describe the site or author.", "context"),
    Rule(ABOUT_AUTHOR_BIO, "branding", "A paragraph closing the story that opens with the name of a person the page names "
         "(on a name line above it, or in the byline) is the author's bio.", "context"),
    Rule(COMMENTS_ENTRY, "comments", "A page that opens with a commenter's name over a '<date> at <time>' stamp is a reader comment, not a story.", "context"),
    Rule(SHAPE_INVISIBLE, "blank", "A line of only zero-width or format characters is blank to a reader.", "context"),
    Rule(SHAPE_OVERSIZE_LINE, "oversize", "A line of more than 20,000 characters is a data blob, not a paragraph.", "context"),
    Rule(RELATED_DOUBLED_HEADLINE, "related", "A headline printed twice in a row inside the story (a card's image and its link) points to another story.", "context"),
    Rule(RELATED_CAPS_HEADLINE, "related", "A long line all in capitals inside the story is a link to another story; a story's own subheads are short.", "context"),
    Rule(RELATED_SHARED_CARDS, "related", "Three or more single paragraphs, each under its own copy of one share bar, are cards of other posts.", "context"),
    Rule(RELATED_TEASER_LIST, "related", "Three or more headline + one-paragraph pairs closing the page are cards of other stories.", "context"),
    Rule(ZONE_HEADER, "nav", "Short lines before the story's first paragraph are page header: menus, sections, logos.", "context"),
    Rule(ZONE_FOOTER, "nav", "Lines after the story's last paragraph are page footer: lists, links, legal text, and the "
         "excerpts under a closing 'Related posts' heading, a paragraph between two legal lines.", "context"),
    Rule(ZONE_BOILERPLATE, "nav", "A short non-sentence line between story paragraphs, unlike the prose around it.", "context"),
    Rule(TEMPLATE_OUTLET_REPEAT, "template", "A line an outlet repeats across its different stories is site template.", "context"),
    Rule(EXTRACT_OUTSIDE_ARTICLE, "markup", "HTML that trafilatura placed outside the article: menus, scripts, footers.", "context"),
    Rule(REUSE_NEAR_DUPLICATE, "duplicate", "With --drop-duplicates, a non-canonical copy of a near-duplicate cluster.", "context"),
    Rule(REPEAT_PAGE_COPY, "repeat", "Three or more lines, eighty words or more, that repeat line for line an earlier run of "
         "the page's extracted text are a second copy of it (an AMP or print copy, a gallery repeating its captions).",
         "context"),
    Rule(BODY_PARAGRAPH, "body", "Prose inside the story's region: kept.", "context"),
    Rule(BODY_FULL_CASCADE, "body", "Kept from trafilatura's full cascade, which ran because its fast pass kept little of the "
         "page (or of its long paragraphs) and whose text agrees better with the page's long paragraphs.", "context"),
    Rule(BODY_READABILITY, "body", "Kept from trafilatura's readability port, asked where the fast pass kept little of the "
         "page or under nine tenths of its long paragraphs, because its text agrees better with those paragraphs and "
         "adds text the cascades lack.", "context"),
    Rule(BODY_TOP_NODE, "body", "Kept from the page's top node (the container whose paragraphs hold most of the language's "
         "stopwords, with the sibling sections it joins), asked where trafilatura's fast pass was doubted, because its "
         "text agrees clearly better with the page's long paragraphs and adds text trafilatura's extractions lack.",
         "context"),
    Rule(BODY_RESTORED_STRUCTURE, "body", "A heading or list between the paragraphs trafilatura kept, in their own container, "
         "put back where trafilatura kept none of that container's headings and lists: its fallback for containers it "
         "does not recognise keeps paragraphs only.", "context"),
    Rule(GUARD_BACK_OFF, "body", "Kept although a link-list, footer or inline-teaser rule would remove it: on this page those "
         "rules would remove more than half of what trafilatura kept, so they have misread the layout and back off.", "context"),
    Rule(BODY_CLEAN_INPUT, "body", "Text that is already an article body (no clutter found, prose throughout) is kept whole.", "context"),
    Rule(BODY_CONTINUATION, "body", "A line of six or more words right after kept story text, inside the story: kept.", "context"),
    Rule(BODY_HEADING, "body", "A short heading between story paragraphs: kept as part of the story.", "context"),
    Rule(BODY_BLOCK, "body", "A run of short lines inside the story that average two words or more is its list or table: kept.", "context"),
    Rule(BODY_LIST_ITEM, "body", "Short lines after a lead-in ending in ':' inside the story are its list: kept.", "context"),
    Rule(BODY_TABLE, "body", "A table or results list flattened to a line per cell, inside the story: kept.", "context"),
)
