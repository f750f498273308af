"""Bylines and datelines: recognised so that their author and date are kept as metadata."""
from __future__ import annotations

import re

from wirewash.tasks.clean.rules.ids import (
    BYLINE_BIO,
    BYLINE_AGENCY_SIGNATURE,
    BYLINE_BY,
    BYLINE_CONTRIBUTED,
    BYLINE_CREDIT_LINE,
    BYLINE_ROLE,
    DATELINE_DATE,
    DATELINE_INLINE,
    DATELINE_RELATIVE,
    DATELINE_STAMP,
)
from wirewash.tasks.clean.rules.patterns import AGENCY_SIGNATURE, WEEKDAY, WRITTEN_DATE
from wirewash.tasks.clean.rules.rule import Rule, icase


BYLINE_RULES: tuple[Rule, ...] = (
    # --- bylines and datelines (recognised so their metadata can be kept)
    Rule(BYLINE_BY, "byline", "'By Jane Doe' lines name the author; kept as metadata, not text.",
         pattern=re.compile(r"^(?i:by|written by|words by|reporting by|story by|von|por|di|par|автор)\s*:?\s+"
                            r"[^\W\d_a-z][\w.'’-]*(?:\s+(?:[^\W\d_a-z][\w.'’-]*|and|und|et|&|de|da|van|von|der|la|le|y|e)){0,6}"
                            r"(?:\s*(?:,|\||and|und|et|&)\s*[^\W\d_a-z][\w.'’ -]{1,60}){0,3}"
                            # the byline's own date and time after a bar: 'By Jane Doe | November 18, 2019 at 2:26 PM'
                            r"(?:\s*[|·•]\s*(?=(?i:\d|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun|updated|published|posted))"
                            r"[^|·•!?]*\d[^|·•!?]*){0,2}$"),
         max_words=24,
         examples=("By Jane Doe", "By Jane Doe, CNN", "Written by John Smith and Ann Lee", "Von Anna Beispiel und Peter Muster, Berlin",
                   "Par Jeanne Martin et Paul Durand",
                   "By City Staff | November 18, 2019 at 2:26 PM HST - Updated November 18 at 4:46 PM"),
         negatives=("By the time police arrived, the crowd had gone.",
                    "By Friday | the deadline, 40 people had signed the letter.", "Von Montag an gilt die neue Regel.")),
    Rule(BYLINE_AGENCY_SIGNATURE, "byline", "A wire story's closing signature ('dpa/AFP/mst', 'cs/dpa'): its agencies and the "
         "editor's initials. It closes the story, and the paragraph above it is the story's last, not a caption.",
         pattern=re.compile(rf"^{AGENCY_SIGNATURE}$"),
         max_words=3,
         examples=("dpa/AFP/mst", "AFP/dpa/sm", "cs/dpa", "(dpa/lnw)", "Reuters/jr"),
         # a photographer's credit ('Jane Roe/AP', 'picture alliance/dpa') names no editor's initials: credit.photo's
         negatives=("Die Agenturen dpa und AFP berichteten übereinstimmend.", "Die Redaktion erreichte die Agentur am Montag.")),
    Rule(BYLINE_CREDIT_LINE, "byline", "Wire credit lines: '(Reporting by …; Editing by …)'.",
         pattern=re.compile(r"^\(?(?i:(?:additional )?(?:reporting|writing|editing|compiled|research|translated|produced)(?: and \w+)? by)\s+"
                            r"[^\W\d_a-z].{1,300}\)?\.?$"),
         max_words=60,
         examples=("(Reporting by Jane Doe and John Roe; Editing by Ann Lee)",), negatives=("Reporting by the paper prompted an inquiry into the deal.",)),
    Rule(BYLINE_CONTRIBUTED, "byline", "'Jane Doe contributed to this report.' credits the story's other reporters; it closes the story, it is not part of it.",
         pattern=re.compile(r"^(?:[^.!?]|(?<=\b[A-Z])\.|(?<=\b[JS]r)\.)+\b(?:contributed|contributing)\s(?:(?:to\s)?(?:this|the)\s(?:report|story|article)|"
                            r"(?:additional\s)?reporting(?:\s(?:from|in|to)\s[^.!?]{1,60})?)\.?$"),
         keywords=("contribut",),
         max_words=60,
         examples=("Associated Press writers Jane Roe, John Doe and Ann Lee contributed to this report.",
                   "Jane Roe contributed reporting from Hong Kong.", "Example News’ Jane Q. Roe contributed to this report."),
         negatives=("Ten companies contributed to the fund, the report said.",
                    "Donors contributed to the campaign. The report was published on Friday.")),
    Rule(BYLINE_BIO, "byline", "An author bio: '<Name> is a <role> at/for <outlet>'.",
         pattern=re.compile(r"^[^\W\d_][\w.'’-]+(?:\s[^\W\d_][\w.'’-]+){1,3}(?:\s\(@\w+\))?\s(?:is|was)\s(?:a|an|the)\s[^.]{0,80}\b"
                            r"(?i:writer|reporter|editor|correspondent|columnist|contributor|journalist|author|producer|host|fellow)\s(?:at|for|with|of)\s(?:the\s)?[^\W\d_a-z]"),
         max_words=80,
         examples=("Molly Wood (@mollywood) is an Ideas contributor at WIRED and the host of a show.",
                   "Jane Roe is a Staff Writer at WIRED covering security. She was formerly an editor at a science site."),
         negatives=("John Smith is a reporter who was detained in Iran for two years before his release.",)),
    Rule(BYLINE_ROLE, "byline", "A short 'X reporter @handle' line is an author's role and handle.",
         pattern=icase(r"^[^.!?]{0,60}\b(?:reporter|correspondent|editor|writer|contributor|columnist|journalist|"
                       r"producer|analyst|staff)\b[^.!?]{0,40}$|^@\w{2,30}$|^[^.!?]{0,60}\s@\w{2,30}$"),
         max_words=9,
         examples=("Example News reporter @janedoe_news", "Senior Political Correspondent", "@janedoe"),
         negatives=("The reporter was released after two days in custody.",)),
    Rule(DATELINE_RELATIVE, "dateline", "A relative timestamp ('32M ago', '2 days ago at 07:52 am') dates a card or comment.",
         pattern=icase(r"^(?:updated |posted |published )?(?:\d+|an?|one)\s?(?:s|m|h|d|w|secs?|mins?|minutes?|hrs?|hours?|days?|weeks?|months?|years?)\s+ago"
                       r"(?:\s+at\s+\d{1,2}:\d{2}\s*(?:[ap]\.?m\.?)?)?$|^(?:just now|yesterday|today)(?:\s+at\s+\d{1,2}:\d{2}\s*(?:[ap]\.?m\.?)?)?$|"
                       r"^(?:updated|posted|published)\s+(?:at\s+)?\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?(?:\s+[A-Z]{2,4})?\.?$"),
         max_words=8,
         examples=("32M ago", "1H ago", "2 days ago at 07:52 am", "an hour ago", "Updated at 1:23 p.m."),
         negatives=("Two days ago the council voted to close the road.",)),
    Rule(DATELINE_DATE, "dateline", "A line that is only a date and time is a dateline; kept as metadata.",
         pattern=re.compile(
             rf"^(?:(?:published|updated|posted|last updated|first published|modified|date|"
             rf"stand|aktualisiert|zuletzt aktualisiert|veröffentlicht|erstellt|datum)\s*(?:on|at|am|vom)?\s*:?\s*)?"
             rf"(?:{WEEKDAY},?\s+)?(?:{WRITTEN_DATE}|"
             rf"\d{{4}}-\d{{2}}-\d{{2}}(?:T[\d:.+Z-]+)?|\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{2,4}})"
             rf"(?:\s*(?:at|,|-|–|\|)?\s*\d{{1,2}}[:.]\d{{2}}(?:\s*[ap]\.?m\.?)?)?(?:\s*,?\s*[A-Z]{{2,4}}\b)?"
             rf"(?:\s*(?:,|\||–|-)?\s*(?:updated|last updated)?[^.!?]{{0,40}})?$", re.IGNORECASE),
         max_words=14,
         examples=("Tuesday 7 May 2024 09:15, UK", "Nov. 19, 2019 8:03 am ET", "Published: June 19, 2023",
                   "2023-06-19", "Stand: 12.03.2024, 10:15 Uhr", "Veröffentlicht am 19. November 2019 um 10:15 Uhr",
                   "Dienstag, 19.11.2019"),
         negatives=("June 19, 2023 was the day the talks began, and both sides said so.",
                    "Am 19. November 2019 begannen die Gespräche, und beide Seiten bestätigten das.")),
    Rule(DATELINE_STAMP, "dateline", "'PUBLISHED: 10:48, Tue, Nov 19, 2019 | UPDATED: …' stamps are datelines.",
         pattern=icase(r"^(?:(?:published|updated|posted|modified|first published|last updated|last modified)\s*:?\s*"
                       r"[^|]{0,40}?\d{4}(?:\s*,?\s*\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?(?:\s+[A-Z]{2,4})?)?\s*\|?\s*){1,3}$"),
         max_words=24,
         examples=("PUBLISHED: 10:48, Tue, Nov 19, 2019 | UPDATED: 11:05, Tue, Nov 19, 2019",),
         negatives=("Published in 1999, the book sold millions of copies around the world.",)),
    Rule(DATELINE_INLINE, "dateline", "A short line with a full date and a time or 'Updated' ('Jane Roe - Nov 19, 2019, 10:31 pm') dates the page.",
         pattern=re.compile(
             rf"^(?=.*\b(?:{WRITTEN_DATE}))"
             rf"(?=.*(?:\b\d{{1,2}}[:.]\d{{2}}\s*(?:[ap]\.?m\.?)?|\b(?:updated|published|posted)\b))"
             rf"(?!.*(?<![ap]\.m)[.!?][\"”’]?$)", re.IGNORECASE),
         max_words=16, min_words=4,
         examples=("Jane Roe - Nov 19, 2019, 10:31 pm CST", "Springfield, City Desk | Updated : 19 November 2019, 09:01 AM"),
         negatives=("The police arrived on Nov 19, 2019 at 10:31 pm, officials said.",)),
)
