"""The page's frame: tags, comment prompts, navigation, links to other stories, branding, the source address."""
from __future__ import annotations

import re

from wirewash.tasks.clean.rules.ids import (
    ABOUT_HEADING,
    BRANDING_LOGO,
    COMMENTS_AGE,
    COMMENTS_FEEDBACK,
    COMMENTS_PROMPT,
    NAV_CONTROL,
    NAV_COUNT_LINK,
    NAV_SHARE_BAR,
    RELATED_GLUED_TEASER,
    RELATED_HEADING,
    RELATED_INLINE,
    REFERENCES_HEADING,
    SOURCE_URL_CITATION,
    SOURCE_URL_LINE,
    TAGS_LIST,
)
from wirewash.tasks.clean.rules.rule import Rule, icase


PAGE_RULES: tuple[Rule, ...] = (
    # --- tags and comments
    Rule(TAGS_LIST, "tags", "A 'Tags'/'Topics' label followed by keywords is a tag cloud.",
         pattern=icase(r"^(?:tags?|topics?|filed under|categories|category|keywords|related topics|more (?:about|on)|"
                       r"теги|метки|рубрики|temas|etiquetas|palavras-chave|schlagw(?:ö|o)rte?r?|themen|argomenti|mots-clés|태그)\b\s*:?"
                       r"(?:\s*[^.!?\s][^.!?]*)?$"),
         max_words=40,
         examples=("Tags Budget City Council Transport Elections", "Related Topics", "Topics: Politics, China", "Теги",
                   "Etiquetas: política, economía"),
         negatives=("Topics discussed included trade, climate and the war in Ukraine.",)),
    Rule(COMMENTS_PROMPT, "comments", "Comment prompts and counters.",
         pattern=icase(r"^\[?\s*(?:leave a (?:reply|comment)|comments?(?:\s*\(\d+\))?|\d+\s+comments?|add (?:a|your) comment|"
                       r"(?:top|most|highest)[ -]rated comments|(?:reader|user|latest|recent|all) comments|conversation|"
                       r"join the (?:conversation|discussion)|post a comment|(?:show|view|load|hide) comments|"
                       r"be the first to comment|what do you think\??|have your say|cancel reply|comment policy|"
                       r"\d+ (?:responses|replies|comments|thoughts) (?:to|on) .{1,200}|[^!?]{1,80} (?:says|said|wrote|writes):|"
                       r"reply|report (?:comment|abuse)|(?:\d+ )?(?:likes?|upvotes?|points?|votes?)|rating: .{1,20}|"
                     # the same prompts in the benchmark's other languages
                       r"lascia un commento|commenti|deixe (?:um|seu) comentário|comentários|deja (?:un|tu) comentario|comentarios|"
                       r"laisser un commentaire|commentaires|kommentar (?:schreiben|verfassen)|kommentare(?: (?:anzeigen|lesen))?(?:\s*\(\d+\))?|kommentieren|"
                       r"diskutieren sie mit|leserkommentare|"
                       r"оставить комментарий|комментарии|댓글(?: ?쓰기)?)\s*:?\s*\]?$"),
         max_words=40,
         examples=("LEAVE A REPLY", "Comments (12)", "Join the conversation", "[ 167 comments ]", "Top Rated Comments",
                   "34 responses to “A headline here”", "C. M. says:", "Lascia un commento", "Комментарии", "Kommentieren",
                   "Kommentare anzeigen (23)", "Diskutieren Sie mit"),
         negatives=("Comments from the minister drew criticism on Monday.", "Kommentieren wollte der Minister das nicht.",
                    "Diskutieren Sie mit Ihren Kindern über das Thema, rät die Psychologin.")),
    Rule(COMMENTS_AGE, "comments", "A bare age alone on a line ('8d', '17h') stamps a reader comment under its author's "
         "name; a story dates itself with a date.",
         pattern=re.compile(r"^\d{1,2}[mhdw]$"),  # lowercase: "3D" and "4K" are no age
         max_words=1,
         examples=("8d", "17h", "3w"),
         negatives=("3D", "4K", "8", "10 m")),
    Rule(COMMENTS_FEEDBACK, "comments", "A 'Was this page helpful?' widget asks the reader to rate the page: it closes the "
         "article, and what follows it is the page's frame.",
         pattern=icase(r"^(?:was this (?:page|article|post|guide|answer|information|content|story)(?: really)? (?:helpful|useful)|"
                       r"did you find this (?:page |article |post |guide )?(?:helpful|useful)|is this (?:page|article) helpful|"
                       r"how (?:helpful|useful) was this (?:page|article|post|guide)|rate this (?:article|post|page|guide)|"
                       r"how (?:was|did you (?:like|enjoy)) this (?:issue|article|post|newsletter|episode)|"
                       r"\d{1,3}% of (?:people|readers|users|visitors) found this (?:article |page |post )?(?:helpful|useful)|"
                       r"(?:war|ist) (?:dieser|der) (?:artikel|beitrag|text) hilfreich|hat ihnen (?:dieser|der) (?:artikel|beitrag) gefallen|"
                       r"wie hilfreich war (?:dieser|der) (?:artikel|beitrag)|(?:diesen )?(?:artikel|beitrag) bewerten|"
                       r"cet article (?:vous )?a-t-il été utile|¿?(?:te ha resultado|fue|le resultó) útil (?:este|esta) (?:artículo|página))"
                       r"\s*[?:.]?$"),
         max_words=12,
         examples=("Was this page helpful?", "84% of people found this article helpful.", "How useful was this post?",
                   "Rate this article", "War dieser Artikel hilfreich?", "¿Fue útil este artículo?", "How was this issue?"),
         # "Did you enjoy this post? Pin it for later!" is a share prompt, printed anywhere in a post: no end
         negatives=("Was this policy helpful to families? Researchers are not so sure.", "Did You Enjoy this Post? PIN It for Later!",
                    "Rate this year's harvest as average at best, the farmers' union said.")),
    Rule(REFERENCES_HEADING, "references", "A 'Sources' / 'Citations' / 'Quellen' heading opens the list of works the "
         "article cites: it closes the article, and the list is not its text.",
         # 'References' and 'Notes' are left out: as many pages print their gold text under them as print a list
         pattern=icase(r"^(?:article |data |image )?(?:sources|citations|works cited|bibliography|footnotes|"
                       r"quellen(?:angaben| und links)?|einzelnachweise|literaturverzeichnis|fuentes|références bibliographiques|fontes)"
                       r"\s*:?$"),
         max_words=4,
         examples=("Article Sources", "Sources:", "Citations", "Works Cited", "Quellen:", "Einzelnachweise"),
         negatives=("Sources said the talks had stalled.", "Quellen zufolge wurde die Sitzung vertagt.")),
    # --- navigation and branding
    Rule(NAV_CONTROL, "nav", "Navigation controls and section links.",
         pattern=icase(r"^(?:skip to (?:main )?(?:content|navigation|main|footer)|menu|main menu|home|search|close|"
                       r"back to top|load more|show more|more stories|next(?: article| story)?|previous(?: article)?|"
                       r"sections|open menu|close menu|toggle navigation|sign in|log ?in|log ?out|subscribe|register|"
                       r"share(?: this)?(?: article| story)?|print|email|copy link|link copied|facebook|twitter|x|"
                       r"linkedin|whatsapp|reddit|pinterest|telegram|instagram|youtube|tiktok|rss|contact(?: us)?|"
                       r"newsletters?|podcasts?|video|videos|photos|live|watch|listen|"
                       r"go to (?:page|comments)|page \d+(?: of \d+)?|\d+ of \d+|see all|view all|"
                       r"show less|expand|collapse|loading\.*|advertise(?: with us)?|site map|sitemap|"
                       r"careers|help|faqs?|accessibility|feedback|corrections|"
                       r"(?:reading time|read time)\s*:?\s*\d{1,3}\s*min(?:utes?|s)?\.?|\d{1,3}[ -]min(?:ute)?s?\.? read|"
                     # the same controls in German (most of the pages measured elsewhere are German)
                       r"(?:zur )?startseite|zurück(?: zur (?:übersicht|startseite))?|nach oben|(?:haupt)?menü|suche|schließen|"
                       r"mehr (?:laden|anzeigen)|weniger anzeigen|alle anzeigen|anmelden|abmelden|einloggen|registrieren|"
                       r"abonnieren|teilen|(?:diesen )?artikel (?:teilen|drucken|merken|versenden|vorlesen|anhören)|"
                       r"teilen sie diesen (?:artikel|beitrag)|auf \w+ teilen|drucken|merken|vorlesen|"
                       r"(?:per )?e-?mail(?: versenden)?|link kopieren|link kopiert|kontakt|impressum|datenschutz(?:erklärung)?|"
                       r"barrierefreiheit|hilfe|seite \d+ von \d+|\d+ von \d+|(?:nächste[rs]?|vorherige[rs]?) (?:seite|artikel|bild)|"
                       r"weiter|mediathek|(?:lesezeit|lesedauer)\s*:?\s*(?:ca\.\s*)?\d{1,3}\s*min(?:uten|\.)?|\d{1,3} (?:minuten?|min\.?) lesezeit|"
                       r"(?:menü|suche) (?:öffnen|schließen)|mein konto|zur merkliste(?: hinzufügen)?)"
                       r"(?:\s*\(\d{1,6}\))?\s*[:›»>|]?$"),
         max_words=6,
         examples=("Skip to content", "Load more", "Menu", "Share this article", "Page 2 of 3", "View all (23)", "3 min read",
                   "Zur Startseite", "Artikel teilen", "Lesezeit: 3 Min.", "Seite 2 von 3", "Auf Facebook teilen",
                   "Lesedauer: 4 Min.", "5 Min. Lesezeit", "Menü schließen"),
         negatives=("Home prices rose 4% last year.", "Die Suche nach den Vermissten geht weiter.",
                    "Weiter geht es am Montag in Berlin.")),
    Rule(NAV_SHARE_BAR, "nav", "A row of share buttons ('Facebook  Twitter  WhatsApp  Email') printed as one line.",
         pattern=icase(r"^(?:(?:share (?:on|via|to) )?(?:facebook|twitter|x|linkedin|whatsapp|reddit|pinterest|pin|pint|"
                       r"telegram|email|e-mail|mail|print|copy link|messenger|flipboard|tumblr|sms|viber|line|vk|"
                       r"share|tweet|download|baixar|compartilhar|compartir|teilen|partager|condividi|поделиться)"
                       r"\s*[|·•,/]?\s*){2,}(?:\S{1,2})?$"),
         max_words=16,
         examples=("Facebook Twitter Email", "Whatsapp \xa0 Facebook \xa0 Pint \xa0 Baixar", "Facebook | Twitter | LinkedIn | Email",
                   "Tweet Share Email Print"),
         negatives=("Share prices fell on Twitter's news.", "Facebook and Twitter said on Monday they would comply.")),
    Rule(NAV_COUNT_LINK, "nav", "A label with a count in brackets ('March (113)', 'Politics (24)') is an archive or category link.",
         # one word, or capitalised words; the count is no year
         pattern=re.compile(r"^(?:[►▶•·»›*–-]\s*)?(?:[^\W\d_]+(?:[、・,/][^\W\d_]+)*|[A-ZÀ-ÞА-Я][^\W\d_]*(?:[ &'’.-]+[A-ZÀ-ÞА-Я&][^\W\d_]*){1,4})\s*"
                            r"\((?!(?:19|20)\d\d\))\d{1,6}\)$"),
         max_words=6,
         examples=("Novembro (113)", "Politics (24)", "Local News (7)", "►Software(207)", "日記、雑記(8)"),
         negatives=("Population (2020)", "He scored twice (2)")),
    Rule(SOURCE_URL_CITATION, "source-url", "A 'Citation:' / 'Cite this article' label opens the reference block under a story.",
         pattern=icase(r"^(?:citation|cite this (?:article|page|story)|how to cite(?: this (?:article|page))?|zitiervorschlag|citação)\s*:?$"),
         max_words=5,
         examples=("Citation:", "Cite this article"),
         negatives=("Citation needed, the editor wrote in the margin of the draft.",)),
    Rule(RELATED_HEADING, "related", "Headings that introduce lists of other stories.",
         pattern=icase(r"^(?:most (?:popular|read|viewed|shared|commented|emailed)(?: \w+)?|trending(?: now| stories| news| topics)?|"
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
                       r"weitere (?:artikel|nachrichten|meldungen|beiträge|themen)|ähnliche (?:artikel|beiträge|themen)|"
                       r"empfehlungen (?:der redaktion|für sie)|mehr aus (?:dem ressort|der rubrik|der region)|"
                       r"mehr nachrichten(?: aus [^.!?]{1,40})?|top-?themen|auch interessant|zum thema|verwandte (?:artikel|themen)|"
                       r"beliebte (?:artikel|beiträge)|neueste (?:artikel|beiträge|nachrichten)|"
                       r"potrebbe interessarti|leggi anche|articoli correlati|i più letti|"
                       r"читайте также|вам может понравиться|похожие (?:статьи|новости)|популярное|материалы по теме|"
                       r"관련 ?기사|많이 본 뉴스|인기 ?기사)\s*(?:[:›»]|\.\.\.|…)?$"),
         max_words=8,
         examples=("Read more:", "Most Popular", "Recent Posts", "Related posts", "Most Popular Videos", "Also on example.com",
                   "Você pode gostar...", "Читайте также", "관련기사", "Lesen Sie auch",
                   "Related coverage from The Money Desk:", "More:", "Weitere Artikel", "Empfehlungen der Redaktion"),
         negatives=("Read the full statement below.", "Weitere Gespräche sind für Montag geplant.")),
    Rule(RELATED_INLINE, "related", "'Read more: <headline>' and '[Related: …]' lines link to other stories.",
         pattern=icase(r"^[\[(]?(?:read (?:more|next|also)|related(?: articles?| stories| story| coverage| content| posts?| reading)?|see (?:also|more)|also(?: read| see)?|"
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
    Rule(RELATED_GLUED_TEASER, "related", "A Title-Case headline glued to its teaser ('…Student-AthleteA 24-year-old…') is a link card.",
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
    Rule(ABOUT_HEADING, "branding", "An 'About us' / 'About the author' heading introduces a site or author blurb.",
         pattern=icase(r"^(?:about|sobre|über|à propos(?: de)?|acerca de|chi siamo|об авторе|о нас)(?:\s+(?:us|the authors?|the writers?|this (?:site|blog|website|author)|[^\W\d_][\w.'’-]*(?:\s+[^\W\d_][\w.'’-]*){0,3}))?\s*:?$"),
         max_words=6,
         examples=("About Us", "About the author", "Sobre Carlos Nadalim"),
         negatives=("About 300 people attended the rally.", "About time, the crowd shouted.")),
    Rule(BRANDING_LOGO, "branding", "A line ending in 'Logo' is the text of a site's logo image.",
         pattern=icase(r"^[^.!?]{1,60}\blogo$"), max_words=6,
         examples=("Example News Logo", "Site logo"), negatives=("The company unveiled its new logo.",)),
    Rule(SOURCE_URL_LINE, "source-url", "A bare URL line is the scrape's source address, not prose.",
         pattern=icase(r"^(?:source:\s*)?(?:https?://|www\.)\S+$"), max_words=80,
         examples=("https://example.com/news/2023/story-123/",), negatives=("Visit https://example.com for details, she said.",)),
)
