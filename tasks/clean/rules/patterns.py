"""Pattern pieces several rules share: month and weekday names, written dates, photo agencies, comment stamps."""
from __future__ import annotations

import re

MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|"
    # German names where they differ (most of the pages measured elsewhere are German)
    r"januar|jänner|februar|märz|mai|juni|juli|okt(?:ober)?|dez(?:ember)?)\.?"
)
WEEKDAY = (r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?|"
           r"montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonnabend|sonntag)")
# a date written out with its month's name, either way round: "Nov. 19, 2019", "19th November 2019", "19. November 2019"
WRITTEN_DATE = rf"{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}(?:st|nd|rd|th|\.)?\s+{MONTH},?\s+\d{{4}}"
AGENCY = (
    r"(?:AP|AFP|EPA|Reuters|REUTERS|Getty(?: Images)?|Associated Press|Shutterstock|Pool|POOL|Xinhua|Alamy|"
    r"PA(?: Media| Wire)?|Bloomberg|NurPhoto|SOPA Images|Anadolu(?: Agency)?|ANSA|Yonhap|Kyodo|TASS|IANS|ANI|"
    r"dpa|Sipa|Zuma(?: Press)?|Imagn|USA TODAY Sports|Courtesy)"
)

# a comment's timestamp as comment systems print it under the commenter's name: the date, "at", the time
# ("August 8, 2018 at 7:21 pm"); articles put a comma there ("November 19, 2019, 9:02 AM") or a label before it
COMMENT_STAMP_RE = re.compile(
    rf"^(?:{WRITTEN_DATE}|"
    rf"\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}})\s+at\s+\d{{1,2}}[:.]\d{{2}}\s*(?:[ap]\.?m\.?)?$",
    re.IGNORECASE)

# a wire story's closing signature: its agencies and the editor's initials ('dpa/AFP/mst', 'AFP/dpa/sm', 'cs/dpa',
# 'dpa/lnw'), slash- or comma-separated; a photo credit names a photographer or a picture desk instead
_GERMAN_WIRES = r"epd|KNA|sid|APA|dts|SDA"  # agencies German-language stories sign with, beside AGENCY's
_WIRE = rf"(?:dpa|AFP|AP|Reuters|rtr|{_GERMAN_WIRES}|ANSA|EFE)"
AGENCY_SIGNATURE = rf"\(?(?=[^)]*\b{_WIRE}\b)(?=[^)]*\b[a-z]{{2,4}}\b)(?:(?:{_WIRE}|[a-z]{{2,4}})\s?[/,]\s?)+(?:{_WIRE}|[a-z]{{2,4}})\)?"

# a wire story's lead opens with its place and agency: "WASHINGTON (AP) — …", "Musterstadt (dpa/lby) - …"; such a
# line is the story's first paragraph wherever it stands (never a caption, whatever credit follows it)
WIRE_DATELINE_RE = re.compile(
    rf"^(?:[A-ZÀ-Þ][\w.'’/-]*(?:[ ,]+[A-ZÀ-Þ][\w.'’/-]*){{0,3}}|[A-ZÀ-Þ][A-ZÀ-Þ.'’ ,/-]{{1,40}})\s*"
    rf"\((?:{AGENCY}|CNN(?: Business)?|{_GERMAN_WIRES}|ots)(?:/[\w-]{{1,12}})*\)\s*[—–:-]\s")
