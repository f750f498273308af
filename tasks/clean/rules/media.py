"""Ads, media widgets, captions and photo credits: what a page prints around its pictures and players."""
from __future__ import annotations

import re

from wirewash.tasks.clean.rules.ids import (
    AD_MARKER,
    CAPTION_AGENCY_CREDIT,
    CAPTION_CREDIT_SUFFIX,
    CAPTION_IMAGE_CREDIT,
    CAPTION_LABEL,
    CAPTION_PAREN_CREDIT,
    CAPTION_PICTURED,
    CAPTION_WIRE_PHOTO,
    CREDIT_PHOTO,
    MEDIA_CLIP_DURATION,
    MEDIA_DURATION,
    MEDIA_PLAYER,
    MEDIA_SPEED,
)
from wirewash.tasks.clean.rules.patterns import AGENCY, AGENCY_SIGNATURE
from wirewash.tasks.clean.rules.rule import Rule, icase


MEDIA_RULES: tuple[Rule, ...] = (
    # --- ads
    Rule(AD_MARKER, "ad", "Placeholders scrapers leave where an ad slot was.",
         pattern=icase(r"^(?:\[\s*/?\s*ad[_ -]?\d*\s*\]|advertisement|advert|advertising|sponsored(?: content)?|ad|anzeige|publicidade|publicité|реклама|"
                       r"(?:story|article) continues (?:below|after)(?: advertisement)?|continue reading below|"
                       r"scroll (?:down )?to continue(?: with content)?|ad feedback|report this ad|"
                       r"werbung|(?:weiterlesen|weiter|artikel geht weiter) nach der (?:anzeige|werbung)|"
                       r"(?:der )?artikel wird (?:nach|unter) der (?:anzeige|werbung) fortgesetzt)\s*:?$"),
         max_words=8,
         examples=("[ad_2]", "[ad_1]", "Advertisement", "Story continues below advertisement", "ADVERTISING", "Werbung",
                   "Weiterlesen nach der Anzeige"),
         negatives=("Advertising revenue fell 8% in the quarter, the company said.",
                    "Die Werbung brachte dem Sender im Quartal acht Prozent weniger ein.")),
    # --- media widgets
    Rule(MEDIA_DURATION, "media", "A bare player time such as 0:00 / 3:18 is a widget, never prose.",
         pattern=icase(r"^(?:\d{1,2}:)?\d{1,2}:\d{2}(?:\s*/\s*(?:\d{1,2}:)?\d{1,2}:\d{2})?$"), max_words=4,
         examples=("0:00 / 3:18", "1:09", "12:04:33"), negatives=("The vote was 3-2 at 10:30 p.m.",)),
    Rule(MEDIA_SPEED, "media", "Playback-speed toggles (1X, 1.5x) come from audio players.",
         pattern=icase(r"^\d(?:\.\d{1,2})?\s?x$"), max_words=2, examples=("1X", "1.5x"), negatives=("10x growth",)),
    Rule(MEDIA_PLAYER, "media", "Player controls and teasers: 'Play Video – …', 'Listen to this article'.",
         pattern=icase(r"^(?:(?:play|watch|listen|replay)(?:\s+(?:video|audio|now|live|again))?\s*[:–—-]|"
                       r"(?:play|watch) (?:video|audio|now)\b|listen to (?:this|the) (?:article|story|podcast)|"
                       r"(?:audio|narration|voice) (?:created|generated|produced) (?:using|by|with)\b|"
                       r"now playing|up next|video duration|watch live|watch full video|click to play|thanks for watching\b|"
                       r"press play|tap to (?:play|unmute)|autoplay|this (?:slideshow|video|player|content) requires javascript|"
                       r"your browser does not support|enable javascript|media playback is (?:unsupported|not supported)|"
                       r"(?:(?:video|audio|podcast) (?:abspielen|starten)|(?:diesen )?artikel vorlesen lassen)$)"),
         max_words=16,
         examples=("Play Video – Ministers agree to ‘stabilise’ prices", "Listen to this article",
                   "Audio created using AI assistance", "Watch: the moment the bridge fell", "Up next", "Thanks for watching!",
                   "Media playback is unsupported on your device", "Video abspielen", "Artikel vorlesen lassen"),
         negatives=("Watch the skies, officials told residents, as the storm moved in.",
                    "Listen to the people who live here, she said.",
                    "Video abspielen ließ sich das Band nicht mehr, sagte der Archivar.")),
    Rule(MEDIA_CLIP_DURATION, "media", "A clip title with its duration glued on (…Beijing1:09) is a video teaser.",
         pattern=re.compile(r"[^\d\s:/]\d{1,2}:\d{2}$"), keywords=(":",), max_words=60,
         examples=("The finance minister arrives at the summit in Lisbon4:30",),
         negatives=("The meeting began at 9:30", "Read John 3:16")),
    # --- captions and credits
    Rule(CAPTION_AGENCY_CREDIT, "caption", "A sentence ending in an agency credit (… 2023. REUTERS/Jane Doe) is a photo caption.",
         pattern=re.compile(
             rf"(?:[.!?]\s*|\()(?:©\s*)?(?:\(?(?i:photo|image|picture|credit|foto)s?(?: by)?:?\s*)?"
             rf"(?:[A-Z][\w.'’-]*\s?){{0,4}}/?\s*{AGENCY}(?:\s?/\s?[A-Z][\w.'’-]*(?:\s[A-Z][\w.'’-]*){{0,3}})*\)?"
             rf"(?:\s+(?i:file|handout|pool))?(?:\s*\d{{1,2}}:\d{{2}})?\s*$"),
         max_words=70, min_words=6,
         examples=("The mayor greets the delegation in Lyon, France, May 2, 2024. REUTERS/Jane Roe/Pool",
                   "Rescuers search the rubble. (Photo by John Smith/Getty Images)",
                   "A cyclist rides past the closed plant outside the city, May 2, 2024. ©  Reuters / Jane Roe",
                   "The senator speaks at the Capitol on July 25, 2019.J. Scott Roe / AP file"),
         negatives=("The talks ended without agreement, according to Reuters.",
                    "Officials spoke to the AP.")),
    Rule(CAPTION_WIRE_PHOTO, "caption", "Wire-service caption forms: 'In this May 2, 2024, file photo, …' and '… (AP Photo/Jane Roe)'.",
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
    Rule(CAPTION_PAREN_CREDIT, "caption", "A sentence ending in a parenthesised image credit '(NASA/JPL-Caltech)'.",
         pattern=re.compile(r"[.!?]\s*\((?:(?i:photo|image|credit|foto|picture|source)s?:?\s*)?[\w.&' -]{2,40}(?:/[\w.&' -]{2,40})+\)$|"
                            r"[.!?]\s*\((?i:photo|image|credit|foto|picture)s?(?: by)?:?\s*[^)]{2,60}\)$"),
         max_words=70, min_words=4,
         examples=("The first global geologic map of Titan. (NASA/JPL-Caltech/ASU)", "Crowds gather outside. (Photo: Jane Roe)"),
         negatives=("He met the minister (and her deputy) on Friday.",)),
    Rule(CAPTION_IMAGE_CREDIT, "caption", "A line ending in '(Image: AGENCY)' or '(Photo: Name)' is a caption (the credit alone is credit.photo).",
         pattern=icase(r"(?<=\S)\s*\((?:image|photo|picture|pic|credit|foto|imagen|bild)s?\s*:\s*[^()]{1,50}\)\s*$"),
         max_words=60, min_words=3,
         examples=("Protesters do not want the city to lose its autonomy (Image: GETTY )",
                   "Galaxy clusters are super hot (red) at their centres (Image: © Example Collaboration)"),
         negatives=("The photo (which ran on the front page) drew complaints from readers.",)),
    Rule(CAPTION_CREDIT_SUFFIX, "caption", "A sentence ending in 'Credit: ESA', '…rabbitCredit: Getty' or '[SpaceX via NASA]' is a caption with its credit.",
         pattern=re.compile(r"(?:[.!?”\"’)]\s+|[a-z])(?:(?:Photo|Image|Picture)\s)?(?:Credits?|CREDITS?|Courtesy)\s*:\s*\S[^.!?]{0,60}$|"
                            r"[.!?”\"’)]\s+(?:Photograph|Photo|Image|Picture)s?\s*:\s*[^\W\d_][^.!?]{0,60}$|"
                            r"[\w.!?]\s*\[(?:[^\[\]]{1,50}(?:\s(?i:via)\s|/)[^\[\]]{1,50}|(?i:file|photo|image|picture|credit)s?:\s*[^\[\]]{1,50})\]$"),
         keywords=(":", "]"), max_words=150, min_words=4,
         examples=("A reference module for a crewed Mars mission compared to its hibernation-based equivalent. Credit: ESA",
                   "The latest case was reported after a hunter killed and ate a rabbitCredit: Getty - Contributor",
                   "The lander concept shows how private operators could take people back to the Moon [SpaceX via Nasa]",
                   "Roughly 13,000 troops remain in the country, 18 years after the invasion [File: Reuters]",
                   "Crowds gather in the square on Friday. Photograph: Jane Roe/Reuters"),
         negatives=("Give credit: the team worked through the night, the coach said.",
                    "He said the plan [to cut taxes] would pass.",
                    "The bank cut its rating on the bonds [to junk] on Friday")),
    Rule(CAPTION_LABEL, "caption", "An 'Image caption' / 'Media caption' label, alone or glued to its caption, marks a caption.",
         pattern=re.compile(r"^(?:[Ii]mage|[Mm]edia|[Pp]hoto|[Vv]ideo|[Pp]icture)\s?[Cc]aption(?![a-z])|^(?:[Ii]mage|[Pp]hoto|[Pp]icture|IMAGE|PHOTO):$"),
         max_words=60,
         examples=("Image caption", "Media captionJulian Roe being led from the embassy in London", "Image:"),
         negatives=("Image captions are written by the picture desk, the editor said.",)),
    Rule(CAPTION_PICTURED, "caption", "Sentences that describe a picture: '…, pictured at…', 'This image shows…'.",
         pattern=re.compile(r"(?:,\s(?:pictured|seen|shown)\s(?:here\s)?(?:in|at|on|with|during|left|right|above|below|center|centre)\b|"
                            r"^(?:[^,]{0,50}\s)?[A-Z][\w.'’-]+,\s(?:left|right|centre|center),\s|"
                            r"\((?:(?:at|from|top|bottom) )?(?:left|right|center|centre|pictured|above|below|top|bottom)(?: to (?:left|right))?[);]|"
                            r"^(?i:this|the)\s(?:[\w’'.-]+,?\s){0,4}(?i:image|photo|photograph|picture|illustration|screenshot|rendering|handout photo)s?,?\s"
                            r"(?:[\w’'-]+\s){0,6}(?:shows|show|depicts|taken|released|provided)\b|"
                            r"^(?:[^\W\d_a-z][\w’'.-]*\s){1,4}(?:took|captured|snapped|shot) (?:this|these) (?:image|photo|photograph|picture|view)s?\b)"),
         keywords=("pictured", "seen", "shown", "left", "right", "centre", "center", "above", "below", "top", "bottom", "image",
                   "photo", "picture", "illustration", "screenshot", "rendering", "view"),
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
    Rule(CREDIT_PHOTO, "credit", "A short line naming a photographer or agency is a photo credit.",
         pattern=re.compile(
             rf"^(?!(?-i:{AGENCY_SIGNATURE})$)"  # a wire story's signature, 'dpa/AFP/mst', is byline.agency-signature's
             rf"(?:\(?(?:photo|image|picture|photograph|illustration|video|credit|foto|source|bild(?:er)?|grafik|quelle|bildquelle|"
             rf"fotograf(?:ie)?|abbildung|titelbild)s?\s*(?:by|credit|:)\s*.{{1,80}}|"
             rf"(?:[\w.'’-]+\s){{0,4}}[\w.'’-]+\s?/\s?.{{0,40}}(?:photo|\b{AGENCY}\b).*|"
             rf".{{0,60}}\b(?:photo|image)s?\s+(?:via|by|from|courtesy(?: of)?)\s+.{{1,60}}|"
             rf"(?:[\w.'’-]+\s){{0,4}}[\w.'’-]+\s?(?:/|\bfor\b|\bvia\b)\s?{AGENCY}\)?|"
             rf"\(?{AGENCY}(?:\s*/\s*[\w .'’-]{{1,40}})?\)?|"
             rf"(?!by\s)(?-i:[A-Z][\w.'’-]*(?:\s[A-Z][\w.'’-]*){{1,3}}),\s?{AGENCY}(?:\s(?:file|photo))?|"
             # a name alone in brackets under a photo: '(Walt Disney Co.)', '(Jane Roe / Example Press)'
             rf"\(\s?(?-i:[A-Z][\w.&'’-]*(?:(?:\s/|/)?\s?[A-Z][\w.&'’-]*){{0,5}})\s?\)|"
             rf"(?:[\w.'’-]+\s){{0,4}}[\w.'’-]+\s?\|\s?(?:[\w.'’-]+\s?){{0,3}}(?:\|\s?)?{AGENCY}(?:\s?\|\s?.{{0,30}})?)$", re.IGNORECASE),
         max_words=14,
         examples=("Jane Roe/Pool photo via Associated Press", "Photo: Jane Doe/AFP", "(Getty Images)",
                   "Jane Doe | Bloomberg | Getty Images",
                   "Photograph: Sam Smith/Reuters", "John Doe/AP", "Michael Roe, AP", "(Image: © Example Collaboration)",
                   "(Walt Disney Co.)", "( JANE ROE/SCIENCE PHOTO LIBRARY)", "Bild: Jana Beispiel/dpa", "Quelle: dpa"),
         negatives=("Reuters reported that the talks had stalled.", "She showed a photo of her son.",
                    "Das Bild zeigt den Minister bei seiner Ankunft in Berlin.",
                    "Prices rose, Reuters said", "Officials told the AP", "(in millions of dollars)",
                    # an agency's name inside a word is no agency: "pa" in "pack", "ap" in "Tape"
                    "Toilet paper/wipes + sealable bag to pack it out", "Duct / Tenacious Tape for repairs")),
)
