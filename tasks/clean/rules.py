"""The rule catalog: every reason the cleaner may give for removing a line.

Rules are grouped by category and named ``category.what`` (``credit.photo``).
Each has a one-line rationale and golden cases: ``examples`` it must catch and
``negatives`` (body text that must survive it). ``tests/clean/test_rules.py`` runs
every case, so a rule cannot be added without them.

Two scopes:

* ``line`` rules look at one stripped line: a regular expression plus a word
  limit, because clutter is short and a long sentence that happens to contain
  "subscribe" is body text.
* ``context`` rules need the line's neighbours, its position or the batch; the
  cleaner (``tasks/clean/cleaner.py``) implements them, and their golden cases are
  small documents in the tests. They are listed here so that provenance can
  name them and the report can explain them.

Phrase lists cover English first; shape, position and batch rules carry over
to other languages, and no pattern assumes a Latin script.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Scope = Literal["line", "context"]

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?"
# a date written out with its month's name, either way round: "Nov. 19, 2019", "19th November 2019"
_WRITTEN_DATE = rf"{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}"
_AGENCY = (
    r"(?:AP|AFP|EPA|Reuters|REUTERS|Getty(?: Images)?|Associated Press|Shutterstock|Pool|POOL|Xinhua|Alamy|"
    r"PA(?: Media| Wire)?|Bloomberg|NurPhoto|SOPA Images|Anadolu(?: Agency)?|ANSA|Yonhap|Kyodo|TASS|IANS|ANI|"
    r"dpa|Sipa|Zuma(?: Press)?|Imagn|USA TODAY Sports|Courtesy)"
)

# a comment's timestamp as comment systems print it under the commenter's name: the date, "at", the time
# ("August 8, 2018 at 7:21 pm"); articles put a comma there ("November 19, 2019, 9:02 AM") or a label before it
COMMENT_STAMP_RE = re.compile(
    rf"^(?:{_WRITTEN_DATE}|"
    rf"\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}})\s+at\s+\d{{1,2}}[:.]\d{{2}}\s*(?:[ap]\.?m\.?)?$",
    re.IGNORECASE)


@dataclass(frozen=True)
class Rule:
    """One named reason to remove (or recognise) a line."""

    id: str
    category: str
    rationale: str
    scope: Scope = "line"
    pattern: re.Pattern[str] | None = None
    max_words: int = 1_000
    min_words: int = 0
    examples: tuple[str, ...] = ()
    negatives: tuple[str, ...] = ()
    # lowercase words one of which every match contains: a cheap test that spares the regex on most
    # lines (long unanchored patterns cost more than all the others together)
    keywords: tuple[str, ...] = ()

    def matches(self, line: str, words: int, lowered: str | None = None) -> bool:
        """True when this line rule catches ``line`` (``words`` is its word count, ``lowered`` its lowercase)."""
        if self.pattern is None or not self.min_words <= words <= self.max_words:
            return False
        if self.keywords:
            lowered = line.lower() if lowered is None else lowered
            if not any(keyword in lowered for keyword in self.keywords):
                return False
        return bool(self.pattern.search(line))


def _re(pattern: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    return re.compile(pattern, flags)


# Order matters: the first line rule that matches names the decision, so the
# more specific rules come first.
CATALOG: tuple[Rule, ...] = (
    # --- ads
    Rule("ad.marker", "ad", "Placeholders scrapers leave where an ad slot was.",
         pattern=_re(r"^(?:\[\s*/?\s*ad[_ -]?\d*\s*\]|advertisement|advert|advertising|sponsored(?: content)?|ad|anzeige|publicidade|publicité|реклама|"
                     r"(?:story|article) continues (?:below|after)(?: advertisement)?|continue reading below|"
                     r"scroll (?:down )?to continue(?: with content)?|ad feedback|report this ad)\s*:?$"),
         max_words=8,
         examples=("[ad_2]", "[ad_1]", "Advertisement", "Story continues below advertisement", "ADVERTISING"),
         negatives=("Advertising revenue fell 8% in the quarter, the company said.",)),
    # --- media widgets
    Rule("media.duration", "media", "A bare player time such as 0:00 / 3:18 is a widget, never prose.",
         pattern=_re(r"^(?:\d{1,2}:)?\d{1,2}:\d{2}(?:\s*/\s*(?:\d{1,2}:)?\d{1,2}:\d{2})?$"), max_words=4,
         examples=("0:00 / 3:18", "1:09", "12:04:33"), negatives=("The vote was 3-2 at 10:30 p.m.",)),
    Rule("media.speed", "media", "Playback-speed toggles (1X, 1.5x) come from audio players.",
         pattern=_re(r"^\d(?:\.\d{1,2})?\s?x$"), max_words=2, examples=("1X", "1.5x"), negatives=("10x growth",)),
    Rule("media.player", "media", "Player controls and teasers: 'Play Video – …', 'Listen to this article'.",
         pattern=_re(r"^(?:(?:play|watch|listen|replay)(?:\s+(?:video|audio|now|live|again))?\s*[:–—-]|"
                     r"(?:play|watch) (?:video|audio|now)\b|listen to (?:this|the) (?:article|story|podcast)|"
                     r"(?:audio|narration|voice) (?:created|generated|produced) (?:using|by|with)\b|"
                     r"now playing|up next|video duration|watch live|watch full video|click to play|thanks for watching\b|"
                     r"press play|tap to (?:play|unmute)|autoplay|this (?:slideshow|video|player|content) requires javascript|"
                     r"your browser does not support|enable javascript|media playback is (?:unsupported|not supported))"),
         max_words=16,
         examples=("Play Video – Ministers agree to ‘stabilise’ prices", "Listen to this article",
                   "Audio created using AI assistance", "Watch: the moment the bridge fell", "Up next", "Thanks for watching!",
                   "Media playback is unsupported on your device"),
         negatives=("Watch the skies, officials told residents, as the storm moved in.",
                    "Listen to the people who live here, she said.")),
    Rule("media.clip-duration", "media", "A clip title with its duration glued on (…Beijing1:09) is a video teaser.",
         pattern=re.compile(r"[^\d\s:/]\d{1,2}:\d{2}$"), max_words=60,
         examples=("The finance minister arrives at the summit in Lisbon4:30",),
         negatives=("The meeting began at 9:30", "Read John 3:16")),
    # --- captions and credits
    Rule("caption.agency-credit", "caption", "A sentence ending in an agency credit (… 2023. REUTERS/Jane Doe) is a photo caption.",
         pattern=re.compile(
             rf"(?:[.!?]\s*|\()(?:©\s*)?(?:\(?(?i:photo|image|picture|credit|foto)s?(?: by)?:?\s*)?"
             rf"(?:[A-Z][\w.'’-]*\s?){{0,4}}/?\s*{_AGENCY}(?:\s?/\s?[A-Z][\w.'’-]*(?:\s[A-Z][\w.'’-]*){{0,3}})*\)?"
             rf"(?:\s+(?i:file|handout|pool))?(?:\s*\d{{1,2}}:\d{{2}})?\s*$"),
         max_words=70, min_words=6,
         examples=("The mayor greets the delegation in Lyon, France, May 2, 2024. REUTERS/Jane Roe/Pool",
                   "Rescuers search the rubble. (Photo by John Smith/Getty Images)",
                   "A cyclist rides past the closed plant outside the city, May 2, 2024. ©  Reuters / Jane Roe",
                   "The senator speaks at the Capitol on July 25, 2019.J. Scott Roe / AP file"),
         negatives=("The talks ended without agreement, according to Reuters.",
                    "Officials spoke to the AP.")),
    Rule("caption.wire-photo", "caption", "Wire-service caption forms: 'In this May 2, 2024, file photo, …' and '… (AP Photo/Jane Roe)'.",
         pattern=re.compile(r"^(?:FILE\s*[-–—:]\s*)?In (?:this|these|an?) (?:[\w.]+ \d{1,2}, \d{4},? |\d{4},? |undated )?"
                            r"(?:(?:file|handout|undated|aerial|frame grab|combination|provided|released)\s+)*"
                            r"(?:photos?|images?|pictures?|videos?|frame grabs?|screenshots?|combination)(?![\w-])|"
                            r"\((?:AP|AFP|EPA|Reuters|Xinhua|Yonhap|Kyodo|PA) Photos?(?:/[^()]{1,80})?\)(?:\s+(?i:less|more))?$"),
         max_words=90, min_words=4,
         examples=("In this May 2, 2024, file photo, made available by the agency, two engineers inspect the panel.",
                   "FILE - In this 2019 photo, a man walks past a store.",
                   "Crowds gather outside the stadium on Sunday. (AP Photo/Jane Roe, File)",
                   "A forward scores behind the goaltender on Tuesday. (AP Photo/Jane Roe) less"),
         negatives=("In this photo-heavy age, the museum still bans cameras, its director said.",
                    "In this case, the court said, the contract was void.")),
    Rule("caption.paren-credit", "caption", "A sentence ending in a parenthesised image credit '(NASA/JPL-Caltech)'.",
         pattern=re.compile(r"[.!?]\s*\((?:(?i:photo|image|credit|foto|picture|source)s?:?\s*)?[\w.&' -]{2,40}(?:/[\w.&' -]{2,40})+\)$|"
                            r"[.!?]\s*\((?i:photo|image|credit|foto|picture)s?(?: by)?:?\s*[^)]{2,60}\)$"),
         max_words=70, min_words=4,
         examples=("The first global geologic map of Titan. (NASA/JPL-Caltech/ASU)", "Crowds gather outside. (Photo: Jane Roe)"),
         negatives=("He met the minister (and her deputy) on Friday.",)),
    Rule("caption.image-credit", "caption", "A line ending in '(Image: AGENCY)' or '(Photo: Name)' is a caption (the credit alone is credit.photo).",
         pattern=_re(r"(?<=\S)\s*\((?:image|photo|picture|pic|credit|foto|imagen|bild)s?\s*:\s*[^()]{1,50}\)\s*$"),
         max_words=60, min_words=3,
         examples=("Protesters do not want the city to lose its autonomy (Image: GETTY )",
                   "Galaxy clusters are super hot (red) at their centres (Image: © Example Collaboration)"),
         negatives=("The photo (which ran on the front page) drew complaints from readers.",)),
    Rule("caption.credit-suffix", "caption", "A sentence ending in 'Credit: ESA', '…rabbitCredit: Getty' or '[SpaceX via NASA]' is a caption with its credit.",
         pattern=re.compile(r"(?:[.!?”\"’)]\s+|[a-z])(?:(?:Photo|Image|Picture)\s)?(?:Credits?|CREDITS?|Courtesy)\s*:\s*\S[^.!?]{0,60}$|"
                            r"[.!?”\"’)]\s+(?:Photograph|Photo|Image|Picture)s?\s*:\s*[^\W\d_][^.!?]{0,60}$|"
                            r"[\w.!?]\s*\[(?:[^\[\]]{1,50}(?:\s(?i:via)\s|/)[^\[\]]{1,50}|(?i:file|photo|image|picture|credit)s?:\s*[^\[\]]{1,50})\]$"),
         max_words=150, min_words=4,
         examples=("A reference module for a crewed Mars mission compared to its hibernation-based equivalent. Credit: ESA",
                   "The latest case was reported after a hunter killed and ate a rabbitCredit: Getty - Contributor",
                   "The lander concept shows how private operators could take people back to the Moon [SpaceX via Nasa]",
                   "Roughly 13,000 troops remain in the country, 18 years after the invasion [File: Reuters]",
                   "Crowds gather in the square on Friday. Photograph: Jane Roe/Reuters"),
         negatives=("Give credit: the team worked through the night, the coach said.",
                    "He said the plan [to cut taxes] would pass.",
                    "The bank cut its rating on the bonds [to junk] on Friday")),
    Rule("caption.label", "caption", "An 'Image caption' / 'Media caption' label, alone or glued to its caption, marks a caption.",
         pattern=re.compile(r"^(?:[Ii]mage|[Mm]edia|[Pp]hoto|[Vv]ideo|[Pp]icture)\s?[Cc]aption(?![a-z])|^(?:[Ii]mage|[Pp]hoto|[Pp]icture|IMAGE|PHOTO):$"),
         max_words=60,
         examples=("Image caption", "Media captionJulian Roe being led from the embassy in London", "Image:"),
         negatives=("Image captions are written by the picture desk, the editor said.",)),
    Rule("caption.pictured", "caption", "Sentences that describe a picture: '…, pictured at…', 'This image shows…'.",
         pattern=re.compile(r"(?:,\s(?:pictured|seen|shown)\s(?:here\s)?(?:in|at|on|with|during|left|right|above|below|center|centre)\b|"
                            r"^(?:[^,]{0,50}\s)?[A-Z][\w.'’-]+,\s(?:left|right|centre|center),\s|"
                            r"\((?:(?:at|from|top|bottom) )?(?:left|right|center|centre|pictured|above|below|top|bottom)(?: to (?:left|right))?[);]|"
                            r"^(?i:this|the)\s(?:[\w’'.-]+,?\s){0,4}(?i:image|photo|photograph|picture|illustration|screenshot|rendering|handout photo)s?,?\s"
                            r"(?:[\w’'-]+\s){0,6}(?:shows|show|depicts|taken|released|provided)\b|"
                            r"^(?:[^\W\d_a-z][\w’'.-]*\s){1,4}(?:took|captured|snapped|shot) (?:this|these) (?:image|photo|photograph|picture|view)s?\b)"),
         max_words=60,
         examples=("Kristi Noem, governor of South Dakota, pictured at the White House in 2018.",
                   "This satellite image from a weather agency shows fires near the city on Nov. 3, 2019.",
                   "New Horizons took this image of the icy moon rising above the planet's cloud tops in February 2007.",
                   "This March 28, 2017, file photo, provided by the state registry shows Jane Roe.",
                   "Jane Roe, left, has replaced John Doe as manager of the club",
                   "In a micrograph of lung tissue, new cells are stained green (at left; a closeup appears at right)."),
         negatives=("A photo of the scene shows the bridge after it collapsed, killing three people.",
                    "She said a neighbour took this photo of the fire and sent it to police, who later arrested him.",
                    "Of the three options, left, right and centre, the council chose the last.")),
    Rule("credit.photo", "credit", "A short line naming a photographer or agency is a photo credit.",
         pattern=re.compile(
             rf"^(?:\(?(?:photo|image|picture|photograph|illustration|video|credit|foto|source)s?\s*(?:by|credit|:)\s*.{{1,80}}|"
             rf"(?:[\w.'’-]+\s){{0,4}}[\w.'’-]+\s?/\s?.{{0,40}}(?:photo|{_AGENCY}).*|"
             rf".{{0,60}}\b(?:photo|image)s?\s+(?:via|by|from|courtesy(?: of)?)\s+.{{1,60}}|"
             rf"(?:[\w.'’-]+\s){{0,4}}[\w.'’-]+\s?(?:/|\bfor\b|\bvia\b)\s?{_AGENCY}\)?|"
             rf"\(?{_AGENCY}(?:\s*/\s*[\w .'’-]{{1,40}})?\)?|"
             rf"(?!by\s)(?-i:[A-Z][\w.'’-]*(?:\s[A-Z][\w.'’-]*){{1,3}}),\s?{_AGENCY}(?:\s(?:file|photo))?|"
             # a name alone in brackets under a photo: '(Walt Disney Co.)', '(Jane Roe / Example Press)'
             rf"\(\s?(?-i:[A-Z][\w.&'’-]*(?:(?:\s/|/)?\s?[A-Z][\w.&'’-]*){{0,5}})\s?\)|"
             rf"(?:[\w.'’-]+\s){{0,4}}[\w.'’-]+\s?\|\s?(?:[\w.'’-]+\s?){{0,3}}(?:\|\s?)?{_AGENCY}(?:\s?\|\s?.{{0,30}})?)$", re.IGNORECASE),
         max_words=14,
         examples=("Jane Roe/Pool photo via Associated Press", "Photo: Jane Doe/AFP", "(Getty Images)",
                   "Jane Doe | Bloomberg | Getty Images",
                   "Photograph: Sam Smith/Reuters", "John Doe/AP", "Michael Roe, AP", "(Image: © Example Collaboration)",
                   "(Walt Disney Co.)", "( JANE ROE/SCIENCE PHOTO LIBRARY)"),
         negatives=("Reuters reported that the talks had stalled.", "She showed a photo of her son.",
                    "Prices rose, Reuters said", "Officials told the AP", "(in millions of dollars)")),
    # --- promo, paywall, cookies
    Rule("promo.trust", "promo", "Publisher self-promotion such as 'Why you can trust us'.",
         pattern=_re(r"^why (?:you can|to) trust\b"), max_words=10,
         examples=("Why you can trust Example News",), negatives=("Why you can trust your doctor is a question she explores.",)),
    Rule("promo.call-to-action", "promo", "Imperatives asking the reader to subscribe, sign up, download or follow.",
         pattern=_re(r"^(?:click|tap|sign up|sign in|log in|subscribe|download|get|follow|join|support|donate|register|"
                     r"become a (?:member|subscriber)|try|share)\b.{0,120}\b(?:subscri\w*|newsletters?|podcasts?|apps?|"
                     r"updates|alerts|us|free|account|membership|digital access|follow|premium|inbox|here|today|"
                     r"journalism|facebook|twitter|instagram|whatsapp|telegram|youtube|linkedin|friends|thoughts|"
                     r"channel|videos|episodes)\b[.!]?$|^subscribe to (?:[\w'’.-]+ ){0,5}channel\b|"
                     r"^subscribe to \S+ and (?:stay|get|keep|never)\b(?:\s+\S+){6,}"),  # the short form is promo.newsletter's
         max_words=22,
         examples=("Click to subscribe to the Morning Briefing wherever you get your podcasts",
                   "Sign up for our newsletter", "Follow us on Twitter", "Download the app",
                   "Subscribe to the Example YouTube Channel for all of the latest videos, reviews, and more!",
                   "Subscribe to EXAMPLE and stay smart with more of your favorite Ideas writers."),
         negatives=("Get out of the way, the officer shouted at the crowd as the car approached.",
                    "Get the kids outside and let them play more!")),
    Rule("promo.closing-call", "promo", "A blurb that ends in a call to subscribe or sign up ('… each week. Click to subscribe!') advertises the outlet.",
         pattern=_re(r"[.!?]\s+(?:(?:click|tap) (?:here )?to (?:subscribe|sign up|follow|download)|sign up for (?:the|our) (?:free )?(?:\w+ ){0,2}newsletter)"
                     r"\b[^.!?]{0,40}[.!]?$"),
         keywords=("click", "tap", "sign up"),
         max_words=60,
         examples=("In each episode of his weekly YouTube show, Jane Roe will delve a little deeper into the surreal world of politics. Click to subscribe!",
                   "Start your day with the Morning Bell. It is the preferred reading of finance professionals. Sign up for the free daily newsletter."),
         negatives=("The council said residents could sign up for the scheme at the library. Officials expect a long queue.",)),
    Rule("promo.link-here", "promo", "A line pointing the reader to a link ('You can view our June thread here.', '… or listen back here.').",
         pattern=_re(r"^(?:you can (?:also )?(?:view|read|find|see|watch|listen to|download|sign up)|listen|watch|read|view)\b"
                     r"[^.!?]{0,120}\b(?:here|online)[.!]?$"),
         min_words=5, max_words=20,
         examples=("You can view our June 2018 open thread here.",
                   "Listen to Example Radio live at 12:45 and 17:45 weekdays - or listen back here."),
         negatives=("Read the statement, which the ministry released on Friday, before you decide.",
                    "Watch crews work through the night here, residents said, was like watching a film.")),
    Rule("promo.check-out", "promo", "'Check out our buying guide / picks / coverage' points the reader to the outlet's other pages.",
         pattern=_re(r"\bcheck out our\b[^.!?]{0,100}\b(?:guides?|picks|coverage|round-?ups?|reviews?|deals|lists?|newsletters?|podcasts?)\b"),
         keywords=("check out our",),
         max_words=40,
         examples=("📱 Torn between the latest phones? Never fear—check out our iPhone buying guide and favorite Android phones",
                   "Want the best tools to get healthy? Check out our Gear team’s picks for the best fitness trackers"),
         negatives=("Check out the old guide, the ranger told hikers, before the trail closes for winter.",)),
    Rule("promo.newsletter", "promo", "Newsletter and app blurbs.",
         pattern=_re(r"\b(?:newsletter|sign up|subscribe now|subscribers only|our app|get the app|app store|google play|"
                     r"delivered (?:straight )?to your inbox|unlimited access|free trial|support (?:our|independent) journalism|"
                     r"enter your email|email address)\b|^subscribe to \S+ (?:and|for|to)\b"),
         max_words=12,
         examples=("The Morning Briefing newsletter", "Enter your email address",
                   "Subscribe to EXAMPLE and stay smart with our writers."),
         negatives=("The newsletter, which reaches two million readers, published the memo in full on Friday morning.",)),
    Rule("promo.second-person", "promo", "Short lines that address the reader about subscribing, inboxes or sharing.",
         pattern=_re(r"(?:\b(?:you|your)\b.{0,80}\b(?:subscri\w+ (?:to (?:our|the [\w ]{1,30} newsletter)|now|today)|"
                     r"sign(?:ed|ing)? up|inbox|newsletters?|opt[- ]in|share (?:it|this)|follow (?:us|her|him)|email address)\b|"
                     r"\b(?:sign up|signing up|newsletters?|inbox|opt[- ]in)\b.{0,80}\b(?:you|your)\b|"
                     r"^(?:thanks|thank you) for (?:signing up|subscribing|reading)|^(?:like|enjoy(?:ed)?) this (?:story|article)\b|"
                     r"^if you (?:enjoyed|liked|value|appreciate(?:d)?) (?:this|our) (?:article|story|piece|reporting|journalism)\b|"
                     r"^(?:follow|find) (?:us|[A-Z]\w*) on\b|^stay (?:up to date|informed|connected) with\b|"
                     r"[.!?]\s+(?:follow|find) (?:him|her|them|us|me) on (?:twitter|facebook|instagram|x|linkedin)\b[^.!?]*[.!?]?$)"),
         max_words=40,
         examples=("Please check the opt-in box to acknowledge that you would like to subscribe.",
                   "Thanks for signing up!", "Like this story? Share it with a friend!", "Follow RT on",
                   "Keep an eye on your inbox for the latest sports news.",
                   "Jane Roe's book about the search for alien life is out now. Follow her on Twitter @janeroe.",
                   "If you enjoyed this article, we have a proposition for you: join our members' club."),
         negatives=("If you subscribe to the theory, the results are alarming, he said in an interview on Tuesday.",)),
    Rule("promo.click-prompt", "promo", "Instructions to click or tap a picture or link ('Click on the image above and see …').",
         pattern=_re(r"^(?:(?:click|tap) (?:here|on|the|this|to|below|above)\b|clique (?:aqui|na|no|nos|nas|e|para|abaixo|acima)\b|"
                     r"haga clic\b|pulse (?:aquí|en)\b|clicca (?:qui|sul|sulla|per)\b|cliquez (?:ici|sur)\b|klicken sie\b)"
                     r"(?!.*:$)"),  # "Click the link above so you can:" leads into the story's own list
         keywords=("click", "tap", "clique", "clic", "clicca", "cliquez", "klicken", "pulse"),
         max_words=40,
         examples=("Click on the image above and see the full ranking of the season.", "Clique na imagem acima e veja o ranking.",
                   "Tap here to read more"),
         negatives=("Click, went the shutter, and the crowd cheered the winner.",
                    "Clicking through the archive, researchers found the lost letters.",
                    "Click the link above so you can:")),
    Rule("promo.subscription", "promo", "Subscription offers: issues for a price, delivered to your door, access from a price.",
         pattern=_re(r"(?:\b\d+ issues for (?:[$£€₹]|rs\.? ?)?\d|\bdelivered (?:straight )?(?:through|to) your (?:letterbox|door|doorstep|mailbox)\b|"
                     r"^(?=.*\bsubscri).*\bfor (?:as little as|just|only) (?:[$£€₹]|rs\.? ?|usd ?)?\d)"),
         keywords=("issues for", "delivered", "subscri"),
         max_words=60,
         examples=("Get the Monthly delivered through your letterbox every month. 12 issues for £11.99.",
                   "Get access to our subscription service for as little as Rs 599."),
         negatives=("The magazine printed 12 issues for the year before it closed, its editor said.",)),
    Rule("promo.consent", "promo", "Sign-up form consent and legal checkboxes ('I agree that … can send me …').",
         pattern=_re(r"^(?:i (?:agree|consent|accept|would like)|by (?:signing up|subscribing|clicking|submitting|registering)\b)"
                     r".{0,160}\b(?:send me|email|e-mail|newsletters?|terms(?: of (?:use|service))?|privacy (?:policy|notice|statement)|"
                     r"offers|marketing|updates|data)\b"),
         keywords=("agree", "consent", "accept", "would like", "by signing", "by subscribing", "by clicking", "by submitting", "by registering"),
         max_words=60,
         examples=('I agree that the Network can send me its offers by email.',
                   "By clicking submit, you accept the Terms of Service."),
         negatives=("I agree with the ruling, the senator told reporters, but the appeal will go on.",)),
    Rule("promo.affiliate", "promo", "Affiliate disclosures: the outlet earns a commission on what readers buy.",
         pattern=_re(r"(?:\b(?:if|when) you (?:buy|purchase|shop|click)\b.{0,120}\b(?:commission|share of (?:the )?(?:sale|revenue)|"
                     r"compensat\w+|affiliate|earn)\b|\b(?:we|[A-Z][\w.]+) (?:may|might|can) (?:earn|receive|get|collect) "
                     r"(?:a |an )?(?:small )?(?:affiliate )?(?:commission|share of (?:the )?(?:sale|revenue))\b)"),
         keywords=("commission", "share of", "compensat", "affiliate", "earn"),
         max_words=50,
         examples=("If you buy something through this post, the Outlet may get a share of the sale.",
                   "We may earn a commission when you buy through links on our site."),
         negatives=("Retailers earn a commission on every sale, the lawsuit claims, which the company denies.",)),
    Rule("comments.policy", "comments", "Comment-section rules addressed to readers who post.",
         pattern=_re(r"(?:\bplease (?:abide by|follow|read|respect|review) (?:our|the) (?:\w+ ){0,2}(?:guidelines|policy|rules|terms)\b|"
                     r"\b(?:must|need to) be (?:logged in|signed in|connected|registered) to (?:post|leave|add|write) (?:a )?comments?\b|"
                     r"\b(?:devi essere connesso per|você precisa (?:estar logado|fazer login) para|debes (?:iniciar sesión|estar registrado) para)\b|"
                     r"\bcoment\w* .{0,160}\b(?:não serão (?:aprovados|publicados)|no serán (?:aprobados|publicados)|non (?:saranno|verranno) (?:approvati|pubblicati))\b|"
                     r"\bcomments? .{0,160}\bwill not be (?:approved|published)\b|"
                     r"^(?:comments? (?:are|is) (?:moderated|closed)|we reserve the right to (?:remove|delete|edit) comments?)|"
                     r"^(?:note:\s*)?we are (?:\w+ ){0,2}moderating (?:all )?comments\b)"),
         keywords=("please", "comment", "coment", "devi essere", "você precisa", "debes", "reserve"),
         max_words=60,
         examples=("When submitting content, please abide by our submission guidelines, and avoid posting profanity.",
                   "Comments are moderated and will appear after approval.",
                   "You must be logged in to post a comment.", "Devi essere connesso per inviare un commento.",
                   "Comments with offensive language will not be published.",
                   "Note: we are temporarily moderating all comments submitted to deal with a surge in spam."),
         negatives=("Officials urged residents to follow the evacuation orders issued on Monday night.",)),
    Rule("promo.contact", "promo", "Tip lines and contact addresses for the newsroom or the author.",
         pattern=_re(r"(?:[\w.+-]+@[\w-]+\.[\w.]+|^have a (?:news )?tip\b|^got a (?:news )?tip\b|^(?:contact|email|reach) (?:us|the (?:author|reporter|writer|newsroom))\b)"),
         max_words=45,
         examples=("Have a tip? Jane Doe may be reached at jdoe@example.com.", "Contact the author at ann@example.org"),
         negatives=("The company said it had contacted the authorities on Tuesday.",)),
    Rule("paywall.notice", "paywall", "Paywall and login walls interrupt the story, they are not part of it.",
         pattern=_re(r"(?:to read the full (?:story|article)|already a subscriber|subscribe to (?:continue|read)|"
                     r"this (?:article|content|story) is (?:only )?(?:available|for|reserved for) (?:to )?(?:subscribers|members)|"
                     r"you have (?:\d+|one|two|three) free (?:articles?|stories)|create a free account|to continue reading|"
                     r"log ?in to (?:continue|read)|start your (?:free )?(?:trial|subscription))"),
         max_words=30,
         examples=("To Read the Full Story", "Already a subscriber? Sign in", "You have 3 free articles left"),
         negatives=("Readers who want to read the full report can find it on the agency's website, officials said.",)),
    Rule("cookie.notice", "cookie", "Cookie and consent banners.",
         pattern=_re(r"(?:we use cookies|uses cookies|(?:use|accept|consent to|set) (?:of )?(?:our |all |these )?cookies|"
                     r"tracking technologies|cookie (?:policy|settings|preferences|consent|notice)|accept (?:all )?cookies|"
                     r"privacy (?:policy|settings|preferences)|terms (?:of (?:use|service)|and conditions)|manage (?:consent|preferences)|"
                     r"utilizziamo (?:i )?cookie|usamos cookies|utilizamos cookies|nous utilisons des cookies|wir verwenden cookies|"
                     r"(?:используем|использует) (?:файлы )?cookie)"),
         keywords=("cookie", "tracking", "privacy", "terms", "consent", "preferences"),
         max_words=80,
         examples=("We use cookies to improve your experience.", "Privacy Policy", "Terms of Use",
                   "Utilizziamo i cookie per essere sicuri che tu possa avere la migliore esperienza sul nostro sito.",
                   "By choosing I Accept, you consent to our use of cookies and other tracking technologies."),
         negatives=("The bakery's cookies sold out by noon on Saturday, the owner said with a laugh.",)),
    # --- legal
    Rule("legal.copyright", "legal", "Copyright and reuse notices belong to the page, not the story.",
         pattern=_re(r"(?:^(?:copyright|©|\(c\))|all rights reserved|may not be (?:re)?published|"
                     r"(?:rewritten|redistributed) (?:or|without)|reproduction (?:in whole or in part )?(?:is )?(?:prohibited|forbidden))"),
         max_words=60,
         examples=("Copyright 2024 Example Media Group Inc. All rights reserved. This material may not be published, broadcast, rewritten, or redistributed.",
                   "© 2024 Example Media", "All Rights Reserved."),
         negatives=("The singer sued over copyright in the song, which she wrote in 1984.",)),
    Rule("legal.disclaimer", "legal", "Site-wide disclaimers: trademark notices, health and advice disclaimers.",
         pattern=_re(r"(?:\b(?:is a|are) (?:registered )?trademarks? of\b|have not been evaluated by the food and drug administration|"
                     r"^the information (?:provided|contained) (?:on|in) this (?:website|site|article|page)|"
                     r"\bnot intended to (?:diagnose|treat|cure|prevent|replace|be a substitute for)\b|"
                     r"^consult (?:your|a) (?:physician|doctor|healthcare provider) before\b|^results (?:may )?vary\b)"),
         keywords=("trademark", "food and drug", "information", "not intended", "consult", "result"),
         max_words=90,
         examples=("Apple logo and iPhone are registered trademarks of Apple Inc.",
                   "*These statements have not been evaluated by the Food and Drug Administration.",
                   "Consult your physician before beginning any exercise program."),
         negatives=("The company said the logo is a trademark it has used since 1971, and sued the maker.",)),
    # --- tags and comments
    Rule("tags.list", "tags", "A 'Tags'/'Topics' label followed by keywords is a tag cloud.",
         pattern=_re(r"^(?:tags?|topics?|filed under|categories|category|keywords|related topics|more (?:about|on)|"
                     r"теги|метки|рубрики|temas|etiquetas|palavras-chave|schlagwörter|themen|argomenti|mots-clés|태그)\b\s*:?"
                     r"(?:\s*[^.!?\s][^.!?]*)?$"),
         max_words=40,
         examples=("Tags Budget City Council Transport Elections", "Related Topics", "Topics: Politics, China", "Теги",
                   "Etiquetas: política, economía"),
         negatives=("Topics discussed included trade, climate and the war in Ukraine.",)),
    Rule("comments.prompt", "comments", "Comment prompts and counters.",
         pattern=_re(r"^\[?\s*(?:leave a (?:reply|comment)|comments?(?:\s*\(\d+\))?|\d+\s+comments?|add (?:a|your) comment|"
                     r"(?:top|most|highest)[ -]rated comments|(?:reader|user|latest|recent|all) comments|conversation|"
                     r"join the (?:conversation|discussion)|post a comment|(?:show|view|load|hide) comments|"
                     r"be the first to comment|what do you think\??|have your say|cancel reply|comment policy|"
                     r"\d+ (?:responses|replies|comments|thoughts) (?:to|on) .{1,200}|[^!?]{1,80} (?:says|said|wrote|writes):|"
                     r"reply|report (?:comment|abuse)|(?:\d+ )?(?:likes?|upvotes?|points?|votes?)|rating: .{1,20}|"
                     # the same prompts in the benchmark's other languages
                     r"lascia un commento|commenti|deixe (?:um|seu) comentário|comentários|deja (?:un|tu) comentario|comentarios|"
                     r"laisser un commentaire|commentaires|kommentar (?:schreiben|verfassen)|kommentare|"
                     r"оставить комментарий|комментарии|댓글(?: ?쓰기)?)\s*:?\s*\]?$"),
         max_words=40,
         examples=("LEAVE A REPLY", "Comments (12)", "Join the conversation", "[ 167 comments ]", "Top Rated Comments",
                   "34 responses to “A headline here”", "C. M. says:", "Lascia un commento", "Комментарии"),
         negatives=("Comments from the minister drew criticism on Monday.",)),
    # --- navigation and branding
    Rule("nav.control", "nav", "Navigation controls and section links.",
         pattern=_re(r"^(?:skip to (?:main )?(?:content|navigation|main|footer)|menu|main menu|home|search|close|"
                     r"back to top|load more|show more|more stories|next(?: article| story)?|previous(?: article)?|"
                     r"sections|open menu|close menu|toggle navigation|sign in|log ?in|log ?out|subscribe|register|"
                     r"share(?: this)?(?: article| story)?|print|email|copy link|link copied|facebook|twitter|x|"
                     r"linkedin|whatsapp|reddit|pinterest|telegram|instagram|youtube|tiktok|rss|contact(?: us)?|"
                     r"newsletters?|podcasts?|video|videos|photos|live|watch|listen|"
                     r"go to (?:page|comments)|page \d+(?: of \d+)?|\d+ of \d+|see all|view all|"
                     r"show less|expand|collapse|loading\.*|advertise(?: with us)?|site map|sitemap|"
                     r"careers|help|faqs?|accessibility|feedback|corrections)(?:\s*\(\d{1,6}\))?\s*[:›»>|]?$"),
         max_words=6,
         examples=("Skip to content", "Load more", "Menu", "Share this article", "Page 2 of 3", "View all (23)"),
         negatives=("Home prices rose 4% last year.",)),
    Rule("nav.share-bar", "nav", "A row of share buttons ('Facebook  Twitter  WhatsApp  Email') printed as one line.",
         pattern=_re(r"^(?:(?:share (?:on|via|to) )?(?:facebook|twitter|x|linkedin|whatsapp|reddit|pinterest|pin|pint|"
                     r"telegram|email|e-mail|mail|print|copy link|messenger|flipboard|tumblr|sms|viber|line|vk|"
                     r"share|tweet|download|baixar|compartilhar|compartir|teilen|partager|condividi|поделиться)"
                     r"\s*[|·•,/]?\s*){2,}(?:\S{1,2})?$"),
         max_words=16,
         examples=("Facebook Twitter Email", "Whatsapp \xa0 Facebook \xa0 Pint \xa0 Baixar", "Facebook | Twitter | LinkedIn | Email",
                   "Tweet Share Email Print"),
         negatives=("Share prices fell on Twitter's news.", "Facebook and Twitter said on Monday they would comply.")),
    Rule("nav.count-link", "nav", "A label with a count in brackets ('March (113)', 'Politics (24)') is an archive or category link.",
         # one word, or capitalised words; the count is no year
         pattern=re.compile(r"^(?:[►▶•·»›*–-]\s*)?(?:[^\W\d_]+(?:[、・,/][^\W\d_]+)*|[A-ZÀ-ÞА-Я][^\W\d_]*(?:[ &'’.-]+[A-ZÀ-ÞА-Я&][^\W\d_]*){1,4})\s*"
                            r"\((?!(?:19|20)\d\d\))\d{1,6}\)$"),
         max_words=6,
         examples=("Novembro (113)", "Politics (24)", "Local News (7)", "►Software(207)", "日記、雑記(8)"),
         negatives=("Population (2020)", "He scored twice (2)")),
    Rule("source-url.citation", "source-url", "A 'Citation:' / 'Cite this article' label opens the reference block under a story.",
         pattern=_re(r"^(?:citation|cite this (?:article|page|story)|how to cite(?: this (?:article|page))?|zitiervorschlag|citação)\s*:?$"),
         max_words=5,
         examples=("Citation:", "Cite this article"),
         negatives=("Citation needed, the editor wrote in the margin of the draft.",)),
    Rule("related.heading", "related", "Headings that introduce lists of other stories.",
         pattern=_re(r"^(?:most (?:popular|read|viewed|shared|commented|emailed)(?: \w+)?|trending(?: now| stories| news| topics)?|"
                     r"recent(?:ly)? (?:posts|articles|stories|news)|latest(?: news| stories| headlines| videos)?|top stories|"
                     r"more (?:from |on |at )?[^.!?]{1,40}|you may (?:also )?(?:like|be interested in|have missed)|you might (?:also )?like|"
                     r"recommended(?: for you| stories| reading)?|related(?: posts| articles| stories| content| coverage| news| reading| links| videos)?(?: (?:from|on|in|at) [^.!?]{1,60})?|more|"
                     r"read (?:more|next|also|this next)|see also|also read|also on \S{2,40}|more on this(?: story)?|more in [^.]{1,40}|"
                     r"popular(?: now| stories)?|editor'?s? picks|don'?t miss|in other news|elsewhere on [^.]{1,40}|"
                     r"further reading|more (?:news|stories|videos|headlines)|what to read next|explore more|around the web|"
                     r"promoted stories|sponsored stories|from our partners|"
                     # the same headings in the benchmark's other languages
                     r"voc[êe] (?:pode|também pode) gostar|veja também|leia também|leia mais|relacionad[ao]s|mais lidas|"
                     r"te puede interesar|también te puede interesar|lee también|noticias relacionadas|lo más leído|"
                     r"vous aimerez aussi|à lire aussi|lire aussi|articles similaires|les plus lus|"
                     r"das könnte sie auch interessieren|mehr zum thema|lesen sie auch|meistgelesen|"
                     r"potrebbe interessarti|leggi anche|articoli correlati|i più letti|"
                     r"читайте также|вам может понравиться|похожие (?:статьи|новости)|популярное|материалы по теме|"
                     r"관련 ?기사|많이 본 뉴스|인기 ?기사)\s*(?:[:›»]|\.\.\.|…)?$"),
         max_words=8,
         examples=("Read more:", "Most Popular", "Recent Posts", "Related posts", "Most Popular Videos", "Also on example.com",
                   "Você pode gostar...", "Читайте также", "관련기사", "Lesen Sie auch",
                   "Related coverage from The Money Desk:", "More:"),
         negatives=("Read the full statement below.",)),
    Rule("related.inline", "related", "'Read more: <headline>' and '[Related: …]' lines link to other stories.",
         pattern=_re(r"^[\[(]?(?:read (?:more|next|also)|related(?: articles?| stories| story| coverage| content| posts?| reading)?|see (?:also|more)|also(?: read| see)?|"
                     r"(?:also |more )?on [\w-]+(?:\.[\w-]+)*\.(?:com|org|net|co\.uk|com\.au|in|ca)|"
                     r"more(?: on| about)? this|recommended|watch(?: more)?|listen|leia (?:mais|também)|lesen sie auch|mehr zum thema|"
                     r"lire aussi|à lire aussi|leer más|lee también|leggi anche(?: su)?|vedi anche|читайте (?:также|тоже))\s*[:|»›>–—-]\s*(?:[^.!?]|\.(?=\w)|(?<=\b[A-Z])\.)*[?!]?[\])]?$"),
         max_words=30,
         examples=("Read more: Markets slide as rate fears return", "[Related: Ten things we learned this week]",
                   "Read more: Retailer poised for record $13.4bn listing in the U.S.", "Related post: Slow-cooker chili recipe",
                   "SEE MORE: Students under siege at the university",
                   "Also: See our holiday coverage", "READ MORE - Rail strike called off",
                   "On ExampleChronicle.com: Car sales plunge nearly 17 percent in August"),
         negatives=("Read more about it in the report, she said.", "Also, the board approved the budget.",
                    "On Tuesday: the council voted to close the road")),
    Rule("related.glued-teaser", "related", "A Title-Case headline glued to its teaser ('…Student-AthleteA 24-year-old…') is a link card.",
         # three or more capitalised headline words (each may be followed by one of the short lowercase
         # words title case keeps), then a capitalised word glued to the teaser's first word, which
         # goes on for a few words: a brand like "AirPower" or "iPad" ending a sentence is no card
         # (an initialism such as "R-W.Va." is no glue, nor is a wire dateline glued to the lead: "Hong Kong (CNN Business)A …";
         # the text cleaner also spares a glued word the page prints again elsewhere: a brand such as "AirPods")
         pattern=re.compile(r"^(?![^()]{0,60}\([A-Z][\w.]*(?: [A-Z][\w.]*){0,2}\)[A-Z][a-z]* [a-z])"
                            r"(?:[^\w\s]*(?:[A-Z0-9][\w'’.,:;&$?!-]*|&)\s+"
                            r"(?:(?:a|an|and|at|by|for|from|in|of|on|or|the|to|with)\s+)?){3,}"
                            r"(?!(?:Mc|Mac|De|Di|Du|La|Le|Van|Von|O['’])[A-Z])"
                            r"(?P<glued>[A-Z0-9][\w'’-]*[a-z?!.'’\d]\)?(?![A-Z][a-z]?\.)[A-Z])"
                            r"(?:[a-z]|\s[a-z\d])\S*(?:\s+\S+){3}"),
         max_words=120,
         examples=("Police: 2 In Custody After Death Of Student-AthleteA 24-year-old woman and a man were arrested.",
                   "Tape Gaffe Ends Hamlin's Title RunDenny Hamlin's championship run was foiled.",
                   "Where To Eat? The 3 Best Noodle Bars in TownLooking for noodles? We ranked the top spots."),
         negatives=("The Old McDonald's farm reopened on Sunday after repairs.",
                    "Wichita East's Hugh McPherson won first place in the 100 yard freestyle.",
                    "Officials In Detroit said the iPhone app would launch next week.",
                    "Even with the Company's AirPower charger canceled, wireless charging moved on.",
                    "Deals: Folding Keyboard Case for iPad Pro and more",
                    "Sponsors: Acme Report, Metro Eats, and ParkMobile",
                    "In October, Rep. Dave Roe, R-W.Va., visited the border near the city and argued for more agents.",
                    "Hong Kong (Example Business)A muddled view of the trade talks once again seems to be weighing on investors.")),
    Rule("about.heading", "branding", "An 'About us' / 'About the author' heading introduces a site or author blurb.",
         pattern=_re(r"^(?:about|sobre|über|à propos(?: de)?|acerca de|chi siamo|об авторе|о нас)(?:\s+(?:us|the authors?|the writers?|this (?:site|blog|website|author)|[^\W\d_][\w.'’-]*(?:\s+[^\W\d_][\w.'’-]*){0,3}))?\s*:?$"),
         max_words=6,
         examples=("About Us", "About the author", "Sobre Carlos Nadalim"),
         negatives=("About 300 people attended the rally.", "About time, the crowd shouted.")),
    Rule("branding.logo", "branding", "A line ending in 'Logo' is the text of a site's logo image.",
         pattern=_re(r"^[^.!?]{1,60}\blogo$"), max_words=6,
         examples=("Example News Logo", "Site logo"), negatives=("The company unveiled its new logo.",)),
    Rule("source-url.line", "source-url", "A bare URL line is the scrape's source address, not prose.",
         pattern=_re(r"^(?:source:\s*)?(?:https?://|www\.)\S+$"), max_words=80,
         examples=("https://example.com/news/2023/story-123/",), negatives=("Visit https://example.com for details, she said.",)),
    # --- bylines and datelines (recognised so their metadata can be kept)
    Rule("byline.by", "byline", "'By Jane Doe' lines name the author; kept as metadata, not text.",
         pattern=re.compile(r"^(?i:by|written by|words by|reporting by|story by|von|por|di|par|автор)\s*:?\s+"
                            r"[^\W\d_a-z][\w.'’-]*(?:\s+(?:[^\W\d_a-z][\w.'’-]*|and|&|de|da|van|von|der|la|le|y|e)){0,6}"
                            r"(?:\s*(?:,|\||and|&)\s*[^\W\d_a-z][\w.'’ -]{1,60}){0,3}"
                            # the byline's own date and time after a bar: 'By Jane Doe | November 18, 2019 at 2:26 PM'
                            r"(?:\s*[|·•]\s*(?=(?i:\d|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun|updated|published|posted))"
                            r"[^|·•!?]*\d[^|·•!?]*){0,2}$"),
         max_words=24,
         examples=("By Jane Doe", "By Jane Doe, CNN", "Written by John Smith and Ann Lee",
                   "By City Staff | November 18, 2019 at 2:26 PM HST - Updated November 18 at 4:46 PM"),
         negatives=("By the time police arrived, the crowd had gone.",
                    "By Friday | the deadline, 40 people had signed the letter.")),
    Rule("byline.credit-line", "byline", "Wire credit lines: '(Reporting by …; Editing by …)'.",
         pattern=re.compile(r"^\(?(?i:(?:additional )?(?:reporting|writing|editing|compiled|research|translated|produced)(?: and \w+)? by)\s+"
                            r"[^\W\d_a-z].{1,300}\)?\.?$"),
         max_words=60,
         examples=("(Reporting by Jane Doe and John Roe; Editing by Ann Lee)",), negatives=("Reporting by the paper prompted an inquiry into the deal.",)),
    Rule("byline.contributed", "byline", "'Jane Doe contributed to this report.' credits the story's other reporters; it closes the story, it is not part of it.",
         pattern=re.compile(r"^(?:[^.!?]|(?<=\b[A-Z])\.|(?<=\b[JS]r)\.)+\b(?:contributed|contributing)\s(?:(?:to\s)?(?:this|the)\s(?:report|story|article)|"
                            r"(?:additional\s)?reporting(?:\s(?:from|in|to)\s[^.!?]{1,60})?)\.?$"),
         max_words=60,
         examples=("Associated Press writers Jane Roe, John Doe and Ann Lee contributed to this report.",
                   "Jane Roe contributed reporting from Hong Kong.", "Example News’ Jane Q. Roe contributed to this report."),
         negatives=("Ten companies contributed to the fund, the report said.",
                    "Donors contributed to the campaign. The report was published on Friday.")),
    Rule("byline.bio", "byline", "An author bio: '<Name> is a <role> at/for <outlet>'.",
         pattern=re.compile(r"^[^\W\d_][\w.'’-]+(?:\s[^\W\d_][\w.'’-]+){1,3}(?:\s\(@\w+\))?\s(?:is|was)\s(?:a|an|the)\s[^.]{0,80}\b"
                            r"(?i:writer|reporter|editor|correspondent|columnist|contributor|journalist|author|producer|host|fellow)\s(?:at|for|with|of)\s(?:the\s)?[^\W\d_a-z]"),
         max_words=80,
         examples=("Molly Wood (@mollywood) is an Ideas contributor at WIRED and the host of a show.",
                   "Jane Roe is a Staff Writer at WIRED covering security. She was formerly an editor at a science site."),
         negatives=("John Smith is a reporter who was detained in Iran for two years before his release.",)),
    Rule("byline.role", "byline", "A short 'X reporter @handle' line is an author's role and handle.",
         pattern=_re(r"^[^.!?]{0,60}\b(?:reporter|correspondent|editor|writer|contributor|columnist|journalist|"
                     r"producer|analyst|staff)\b[^.!?]{0,40}$|^@\w{2,30}$|^[^.!?]{0,60}\s@\w{2,30}$"),
         max_words=9,
         examples=("Example News reporter @janedoe_news", "Senior Political Correspondent", "@janedoe"),
         negatives=("The reporter was released after two days in custody.",)),
    Rule("dateline.relative", "dateline", "A relative timestamp ('32M ago', '2 days ago at 07:52 am') dates a card or comment.",
         pattern=_re(r"^(?:updated |posted |published )?(?:\d+|an?|one)\s?(?:s|m|h|d|w|secs?|mins?|minutes?|hrs?|hours?|days?|weeks?|months?|years?)\s+ago"
                     r"(?:\s+at\s+\d{1,2}:\d{2}\s*(?:[ap]\.?m\.?)?)?$|^(?:just now|yesterday|today)(?:\s+at\s+\d{1,2}:\d{2}\s*(?:[ap]\.?m\.?)?)?$|"
                     r"^(?:updated|posted|published)\s+(?:at\s+)?\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?(?:\s+[A-Z]{2,4})?\.?$"),
         max_words=8,
         examples=("32M ago", "1H ago", "2 days ago at 07:52 am", "an hour ago", "Updated at 1:23 p.m."),
         negatives=("Two days ago the council voted to close the road.",)),
    Rule("dateline.date", "dateline", "A line that is only a date and time is a dateline; kept as metadata.",
         pattern=re.compile(
             rf"^(?:(?:published|updated|posted|last updated|first published|modified|date)\s*(?:on|at)?\s*:?\s*)?"
             rf"(?:{_WEEKDAY},?\s+)?(?:{_WRITTEN_DATE}|"
             rf"\d{{4}}-\d{{2}}-\d{{2}}(?:T[\d:.+Z-]+)?|\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{2,4}})"
             rf"(?:\s*(?:at|,|-|–|\|)?\s*\d{{1,2}}[:.]\d{{2}}(?:\s*[ap]\.?m\.?)?)?(?:\s*,?\s*[A-Z]{{2,4}}\b)?"
             rf"(?:\s*(?:,|\||–|-)?\s*(?:updated|last updated)?[^.!?]{{0,40}})?$", re.IGNORECASE),
         max_words=14,
         examples=("Tuesday 7 May 2024 09:15, UK", "Nov. 19, 2019 8:03 am ET", "Published: June 19, 2023",
                   "2023-06-19"),
         negatives=("June 19, 2023 was the day the talks began, and both sides said so.",)),
    Rule("dateline.stamp", "dateline", "'PUBLISHED: 10:48, Tue, Nov 19, 2019 | UPDATED: …' stamps are datelines.",
         pattern=_re(r"^(?:(?:published|updated|posted|modified|first published|last updated|last modified)\s*:?\s*"
                     r"[^|]{0,40}?\d{4}(?:\s*,?\s*\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?(?:\s+[A-Z]{2,4})?)?\s*\|?\s*){1,3}$"),
         max_words=24,
         examples=("PUBLISHED: 10:48, Tue, Nov 19, 2019 | UPDATED: 11:05, Tue, Nov 19, 2019",),
         negatives=("Published in 1999, the book sold millions of copies around the world.",)),
    Rule("dateline.inline", "dateline", "A short line with a full date and a time or 'Updated' ('Jane Roe - Nov 19, 2019, 10:31 pm') dates the page.",
         pattern=re.compile(
             rf"^(?=.*\b(?:{_WRITTEN_DATE}))"
             rf"(?=.*(?:\b\d{{1,2}}[:.]\d{{2}}\s*(?:[ap]\.?m\.?)?|\b(?:updated|published|posted)\b))"
             rf"(?!.*(?<![ap]\.m)[.!?][\"”’]?$)", re.IGNORECASE),
         max_words=16, min_words=4,
         examples=("Jane Roe - Nov 19, 2019, 10:31 pm CST", "Springfield, City Desk | Updated : 19 November 2019, 09:01 AM"),
         negatives=("The police arrived on Nov 19, 2019 at 10:31 pm, officials said.",)),
    # --- context rules (implemented in tasks/clean/cleaner.py; golden cases in tests/clean/test_cleaner.py)
    Rule("title.headline", "title", "The headline: the first headline-shaped line before the story starts.", "context"),
    Rule("dek.standfirst", "dek", "A one-sentence summary right under the headline, before the byline.", "context"),
    Rule("caption.beside-credit", "caption", "A sentence next to a photo credit, or dated like a photo, is its caption.", "context"),
    Rule("caption.labelled", "caption", "The line under a bare 'Image caption' label is the caption.", "context"),
    Rule("caption.repeat", "caption", "A line repeating an earlier caption or headline in the same page is a copy.", "context"),
    Rule("media.widget-block", "media", "Short lines glued to a player control belong to the widget.", "context"),
    Rule("related.list", "related", "Short headline-like lines under a 'Read more'/'Most popular' heading are a link list.", "context"),
    Rule("about.blurb", "branding", "The paragraphs under an 'About us' / 'About the author' heading describe the site or author.", "context"),
    Rule("zone.comments", "comments", "Everything after a comments heading is reader comments, not the story.", "context"),
    Rule("comments.entry", "comments", "A page that opens with a commenter's name over a '<date> at <time>' stamp is a reader comment, not a story.", "context"),
    Rule("shape.invisible", "blank", "A line of only zero-width or format characters is blank to a reader.", "context"),
    Rule("shape.oversize-line", "oversize", "A line of more than 20,000 characters is a data blob, not a paragraph.", "context"),
    Rule("related.doubled-headline", "related", "A headline printed twice in a row inside the story (a card's image and its link) points to another story.", "context"),
    Rule("related.caps-headline", "related", "A long line all in capitals inside the story is a link to another story; a story's own subheads are short.", "context"),
    Rule("related.shared-cards", "related", "Three or more single paragraphs, each under its own copy of one share bar, are cards of other posts.", "context"),
    Rule("related.teaser-list", "related", "Three or more headline + one-paragraph pairs closing the page are cards of other stories.", "context"),
    Rule("zone.header", "nav", "Short lines before the story's first paragraph are page header: menus, sections, logos.", "context"),
    Rule("zone.footer", "nav", "Lines after the story's last paragraph are page footer: lists, links, legal text.", "context"),
    Rule("zone.boilerplate", "nav", "A short non-sentence line between story paragraphs, unlike the prose around it.", "context"),
    Rule("template.outlet-repeat", "template", "A line an outlet repeats across its different stories is site template.", "context"),
    Rule("extract.outside-article", "markup", "HTML that trafilatura placed outside the article: menus, scripts, footers.", "context"),
    Rule("reuse.near-duplicate", "duplicate", "With --drop-duplicates, a non-canonical copy of a near-duplicate cluster.", "context"),
    Rule("body.paragraph", "body", "Prose inside the story's region: kept.", "context"),
    Rule("body.full-cascade", "body", "Kept from trafilatura's full cascade, which ran because its fast pass kept little of the "
         "page (or of its long paragraphs) and whose text agrees better with the page's long paragraphs.", "context"),
    Rule("guard.back-off", "body", "Kept although a link-list, footer or inline-teaser rule would remove it: on this page those "
         "rules would remove more than half of what trafilatura kept, so they have misread the layout and back off.", "context"),
    Rule("body.clean-input", "body", "Text that is already an article body (no clutter found, prose throughout) is kept whole.", "context"),
    Rule("body.continuation", "body", "A line of six or more words right after kept story text, inside the story: kept.", "context"),
    Rule("body.heading", "body", "A short heading between story paragraphs: kept as part of the story.", "context"),
    Rule("body.block", "body", "A run of short lines inside the story that average two words or more is its list or table: kept.", "context"),
    Rule("body.list-item", "body", "Short lines after a lead-in ending in ':' inside the story are its list: kept.", "context"),
    Rule("body.table", "body", "A table or results list flattened to a line per cell, inside the story: kept.", "context"),
)

RULES: dict[str, Rule] = {rule.id: rule for rule in CATALOG}
LINE_RULES: tuple[Rule, ...] = tuple(rule for rule in CATALOG if rule.scope == "line")


# no-break, thin, figure and ideographic spaces read as plain spaces to the patterns
_SPACES = str.maketrans({c: " " for c in "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"})


def rule_view(line: str) -> tuple[str, str]:
    """``line`` as the line rules read it (odd spaces made plain) and its lowercase (for rule keywords)."""
    line = line.translate(_SPACES)
    return line, line.lower()


def match_line(line: str, words: int) -> Rule | None:
    """The first line rule that catches ``line``, or ``None`` when no line rule applies."""
    line, lowered = rule_view(line)
    for rule in LINE_RULES:
        if rule.matches(line, words, lowered):
            return rule
    return None
