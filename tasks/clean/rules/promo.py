"""Promo, paywall, cookie and legal notices: what the outlet says to its reader, not the story."""
from __future__ import annotations

import re

from wirewash.tasks.clean.rules.ids import (
    COMMENTS_POLICY,
    COOKIE_NOTICE,
    LEGAL_COPYRIGHT,
    LEGAL_DISCLAIMER,
    PAYWALL_NOTICE,
    PROMO_AFFILIATE,
    PROMO_CALL_TO_ACTION,
    PROMO_CHECK_OUT,
    PROMO_CLICK_PROMPT,
    PROMO_CLOSING_CALL,
    PROMO_CONSENT,
    PROMO_CONTACT,
    PROMO_LINK_HERE,
    PROMO_NEWSLETTER,
    PROMO_SECOND_PERSON,
    PROMO_SUBSCRIPTION,
    PROMO_TRUST,
)
from wirewash.tasks.clean.rules.rule import Rule, icase

NOTICE_MAX_WORDS = 24
"""Wording that notices share with prose (the terms, the privacy policy) marks a notice only in a line of at most this
many words; a longer line is a paragraph (a story about an app's terms and conditions, a VPN's privacy policy). On wcxb-dev's extracted lines of 25 to 80 words, the cookie rule caught by legal
wording alone 13, 12 of them the article's own (16, 24 and 32 tried on its even ids)."""

PROMO_RULES: tuple[Rule, ...] = (
    # --- promo, paywall, cookies
    Rule(PROMO_TRUST, "promo", "Publisher self-promotion such as 'Why you can trust us'.",
         pattern=icase(r"^why (?:you can|to) trust\b"), max_words=10,
         examples=("Why you can trust Example News",), negatives=("Why you can trust your doctor is a question she explores.",)),
    Rule(PROMO_CALL_TO_ACTION, "promo", "Imperatives asking the reader to subscribe, sign up, download or follow.",
         pattern=icase(r"^(?:click|tap|sign up|sign in|log in|subscribe|download|get|follow|join|support|donate|register|"
                       r"become a (?:member|subscriber)|try|share)\b.{0,120}\b(?:subscri\w*|newsletters?|podcasts?|apps?|"
                       r"updates|alerts|us|free|account|membership|digital access|follow|premium|inbox|here|today|"
                       r"journalism|facebook|twitter|instagram|whatsapp|telegram|youtube|linkedin|friends|thoughts|"
                       r"channel|videos|episodes)\b[.!]?$|^subscribe to (?:[\w'’.-]+ ){0,5}channel\b|"
                       r"^subscribe to \S+ and (?:stay|get|keep|never)\b(?:\s+\S+){6,}|"  # the short form is promo.newsletter's
                     # the same calls in German: 'Folgen Sie uns auf Instagram', 'Jetzt kostenlos testen'
                       r"^(?:folgen sie uns(?: jetzt)? (?:auch )?(?:auf|bei|in) [^.!?,]{1,40}|(?:jetzt )?(?:auch )?(?:auf|bei) \w+ folgen|"
                       r"unterstützen sie (?:unseren |unabhängigen )?journalismus|jetzt (?:\w+ )?(?:kostenlos|gratis) (?:testen|ausprobieren|lesen))[.!]?$"),
         max_words=22,
         examples=("Click to subscribe to the Morning Briefing wherever you get your podcasts",
                   "Sign up for our newsletter", "Follow us on Twitter", "Download the app",
                   "Subscribe to the Example YouTube Channel for all of the latest videos, reviews, and more!",
                   "Subscribe to EXAMPLE and stay smart with more of your favorite Ideas writers.",
                   "Folgen Sie uns auf Facebook", "Jetzt auf WhatsApp folgen", "Jetzt kostenlos testen"),
         negatives=("Get out of the way, the officer shouted at the crowd as the car approached.",
                    "Get the kids outside and let them play more!",
                    "Folgen Sie uns auf dem Rundgang durch die neue Bibliothek, sagte die Leiterin.")),
    Rule(PROMO_CLOSING_CALL, "promo", "A blurb that ends in a call to subscribe or sign up ('… each week. Click to subscribe!') advertises the outlet.",
         pattern=icase(r"[.!?]\s+(?:(?:click|tap) (?:here )?to (?:subscribe|sign up|follow|download)|sign up for (?:the|our) (?:free )?(?:\w+ ){0,2}newsletter)"
                       r"\b[^.!?]{0,40}[.!]?$"),
         keywords=("click", "tap", "sign up"),
         max_words=60,
         examples=("In each episode of his weekly YouTube show, Jane Roe will delve a little deeper into the surreal world of politics. Click to subscribe!",
                   "Start your day with the Morning Bell. It is the preferred reading of finance professionals. Sign up for the free daily newsletter."),
         negatives=("The council said residents could sign up for the scheme at the library. Officials expect a long queue.",)),
    Rule(PROMO_LINK_HERE, "promo", "A line pointing the reader to a link ('You can view our June thread here.', '… or listen back here.').",
         pattern=icase(r"^(?:you can (?:also )?(?:view|read|find|see|watch|listen to|download|sign up)|listen|watch|read|view)\b"
                       r"[^.!?]{0,120}\b(?:here|online)[.!]?$"),
         min_words=5, max_words=20,
         examples=("You can view our June 2018 open thread here.",
                   "Listen to Example Radio live at 12:45 and 17:45 weekdays - or listen back here."),
         negatives=("Read the statement, which the ministry released on Friday, before you decide.",
                    "Watch crews work through the night here, residents said, was like watching a film.")),
    Rule(PROMO_CHECK_OUT, "promo", "'Check out our buying guide / picks / coverage' points the reader to the outlet's other pages.",
         pattern=icase(r"\bcheck out our\b[^.!?]{0,100}\b(?:guides?|picks|coverage|round-?ups?|reviews?|deals|lists?|newsletters?|podcasts?)\b"),
         keywords=("check out our",),
         max_words=40,
         examples=("📱 Torn between the latest phones? Never fear—check out our iPhone buying guide and favorite Android phones",
                   "Want the best tools to get healthy? Check out our Gear team’s picks for the best fitness trackers"),
         negatives=("Check out the old guide, the ranger told hikers, before the trail closes for winter.",)),
    Rule(PROMO_NEWSLETTER, "promo", "Newsletter and app blurbs.",
         pattern=icase(r"\b(?:newsletter|sign up|subscribe now|subscribers only|our app|get the app|app store|google play|"
                       r"delivered (?:straight )?to your inbox|unlimited access|free trial|support (?:our|independent) journalism|"
                       r"enter your email|email address)\b|^subscribe to \S+ (?:and|for|to)\b"),
         max_words=12,
         examples=("The Morning Briefing newsletter", "Enter your email address",
                   "Subscribe to EXAMPLE and stay smart with our writers."),
         negatives=("The newsletter, which reaches two million readers, published the memo in full on Friday morning.",)),
    Rule(PROMO_SECOND_PERSON, "promo", "Short lines that address the reader about subscribing, inboxes or sharing.",
         pattern=icase(r"(?:\b(?:you|your)\b.{0,80}\b(?:subscri\w+ (?:to (?:our|the [\w ]{1,30} newsletter)|now|today)|"
                       r"sign(?:ed|ing)? up(?= (?:now|today|here|for (?:our|my|a free|the latest|free|updates)|to (?:our|get|receive))|[!.]?$)|"
                       r"inbox|newsletters?|opt[- ]in|share (?:it|this)|follow (?:us|her|him)|email address)\b|"
                       # "sign up" alone is any service's verb ("when you sign up for an account, …"): a call to the
                       # reader opens a sentence with it, or signs up now, here, for the outlet's own mail
                       r"(?:^|[.!?]\s+|\bby |\bjust )sign(?:ing)? up\b.{0,80}\b(?:you|your)\b|^you(?:'re| are) (?:all )?signed up\b|"
                       r"\b(?:newsletters?|inbox|opt[- ]in)\b.{0,80}\b(?:you|your)\b|"
                       r"^(?:thanks|thank you) for (?:signing up|subscribing|reading)|^(?:like|enjoy(?:ed)?) this (?:story|article)\b|"
                       r"^if you (?:enjoyed|liked|value|appreciate(?:d)?) (?:this|our) (?:article|story|piece|reporting|journalism)\b|"
                       r"^(?:follow|find) (?:us|[A-Z]\w*) on\b|^stay (?:up to date|informed|connected) with\b|"
                       r"[.!?]\s+(?:follow|find) (?:him|her|them|us|me) on (?:twitter|facebook|instagram|x|linkedin)\b[^.!?]*[.!?]?$)"),
         keywords=("you", "thank", "this story", "this article", "follow", "find", "stay"),
         max_words=40,
         examples=("Please check the opt-in box to acknowledge that you would like to subscribe.",
                   "Thanks for signing up!", "Like this story? Share it with a friend!", "Follow RT on",
                   "Keep an eye on your inbox for the latest sports news.",
                   "Jane Roe's book about the search for alien life is out now. Follow her on Twitter @janeroe.",
                   "If you enjoyed this article, we have a proposition for you: join our members' club.",
                   "Get today's news on your phone. Sign up to receive texts from the newsroom.", "You are signed up!"),
         negatives=("If you subscribe to the theory, the results are alarming, he said in an interview on Tuesday.",
                    "When you sign up for a business account, you can target audiences by region and by topic.",
                    "Before signing up for a VPN, you need to check that it works with the devices you want to use.")),
    Rule(PROMO_CLICK_PROMPT, "promo", "Instructions to click or tap a picture or link ('Click on the image above and see …').",
         pattern=icase(r"^(?:(?:click|tap) (?:here|on|the|this|to|below|above)\b|clique (?:aqui|na|no|nos|nas|e|para|abaixo|acima)\b|"
                       r"haga clic\b|pulse (?:aquí|en)\b|clicca (?:qui|sul|sulla|per)\b|cliquez (?:ici|sur)\b|klicken sie\b)"
                       r"(?!.*:$)"  # "Click the link above so you can:" leads into the story's own list
                       # a prompt is one sentence; instructions that go on ("Click here to download the spreadsheet. You
                       # must be signed in…") are a how-to's own paragraph: on wcxb-dev 4 of 4 such lines were the article's
                       r"(?!.*?[.!?][\"'”’)]*\s+(?-i:[A-ZÀ-ÖØ-Þ]))"),
         keywords=("click", "tap", "clique", "clic", "clicca", "cliquez", "klicken", "pulse"),
         max_words=40,
         examples=("Click on the image above and see the full ranking of the season.", "Clique na imagem acima e veja o ranking.",
                   "Tap here to read more"),
         negatives=("Click, went the shutter, and the crowd cheered the winner.",
                    "Click on the file to download the spreadsheet. You must be signed into your own account to save a "
                    "copy, then open it and fill in one column for every caterer you are comparing.",
                    "Clicking through the archive, researchers found the lost letters.",
                    "Click the link above so you can:")),
    Rule(PROMO_SUBSCRIPTION, "promo", "Subscription offers: issues for a price, delivered to your door, access from a price.",
         pattern=icase(r"(?:\b\d+ issues for (?:[$£€₹]|rs\.? ?)?\d|\bdelivered (?:straight )?(?:through|to) your (?:letterbox|door|doorstep|mailbox)\b|"
                       r"^(?=.*\bsubscri).*\bfor (?:as little as|just|only) (?:[$£€₹]|rs\.? ?|usd ?)?\d)"),
         keywords=("issues for", "delivered", "subscri"),
         max_words=60,
         examples=("Get the Monthly delivered through your letterbox every month. 12 issues for £11.99.",
                   "Get access to our subscription service for as little as Rs 599."),
         negatives=("The magazine printed 12 issues for the year before it closed, its editor said.",)),
    Rule(PROMO_CONSENT, "promo", "Sign-up form consent and legal checkboxes ('I agree that … can send me …').",
         pattern=icase(r"^(?:i (?:agree|consent|accept|would like)|by (?:signing up|subscribing|clicking|submitting|registering)\b)"
                       r".{0,160}\b(?:send me|email|e-mail|newsletters?|terms(?: of (?:use|service))?|privacy (?:policy|notice|statement)|"
                       r"offers|marketing|updates|data)\b"),
         keywords=("agree", "consent", "accept", "would like", "by signing", "by subscribing", "by clicking", "by submitting", "by registering"),
         max_words=60,
         examples=('I agree that the Network can send me its offers by email.',
                   "By clicking submit, you accept the Terms of Service."),
         negatives=("I agree with the ruling, the senator told reporters, but the appeal will go on.",)),
    Rule(PROMO_AFFILIATE, "promo", "Affiliate disclosures: the outlet earns a commission on what readers buy.",
         pattern=icase(r"(?:\b(?:if|when) you (?:buy|purchase|shop|click)\b.{0,120}\b(?:commission|share of (?:the )?(?:sale|revenue)|"
                       r"compensat\w+|affiliate|earn)\b|\b(?:we|[A-Z][\w.]+) (?:may|might|can) (?:earn|receive|get|collect) "
                       r"(?:a |an )?(?:small )?(?:affiliate )?(?:commission|share of (?:the )?(?:sale|revenue))\b)"),
         keywords=("commission", "share of", "compensat", "affiliate", "earn"),
         max_words=50,
         examples=("If you buy something through this post, the Outlet may get a share of the sale.",
                   "We may earn a commission when you buy through links on our site."),
         negatives=("Retailers earn a commission on every sale, the lawsuit claims, which the company denies.",)),
    Rule(COMMENTS_POLICY, "comments", "Comment-section rules addressed to readers who post.",
         pattern=icase(r"(?:\bplease (?:abide by|follow|read|respect|review) (?:our|the) (?:\w+ ){0,2}(?:guidelines|policy|rules|terms)\b|"
                       r"\b(?:must|need to) be (?:logged in|signed in|connected|registered) to (?:post|leave|add|write) (?:a )?comments?\b|"
                       r"\b(?:devi essere connesso per|você precisa (?:estar logado|fazer login) para|debes (?:iniciar sesión|estar registrado) para)\b|"
                       r"\bcoment\w* .{0,160}\b(?:não serão (?:aprovados|publicados)|no serán (?:aprobados|publicados)|non (?:saranno|verranno) (?:approvati|pubblicati))\b|"
                       r"\bcomments? .{0,160}\bwill not be (?:approved|published)\b|"
                       r"^(?:comments? (?:are|is) (?:moderated|closed)|we reserve the right to (?:remove|delete|edit) comments?)|"
                       r"^(?:die )?kommentarfunktion (?:ist|wurde) (?:\w+ )?(?:geschlossen|deaktiviert|abgeschaltet)|"
                       r"\bwe reserve the right to (?:remove|delete|edit) any comments?\b|"
                       r"^(?:note:\s*)?we are (?:\w+ ){0,2}moderating (?:all )?comments\b)"),
         keywords=("please", "comment", "coment", "devi essere", "você precisa", "debes", "reserve", "kommentarfunktion"),
         max_words=60,
         examples=("When submitting content, please abide by our submission guidelines, and avoid posting profanity.",
                   "Comments are moderated and will appear after approval.",
                   "You must be logged in to post a comment.", "Devi essere connesso per inviare un commento.",
                   "Die Kommentarfunktion ist geschlossen.",
                   "Comments with offensive language will not be published.",
                   "Note: we are temporarily moderating all comments submitted to deal with a surge in spam.",
                   "Our goal is a civil conversation. We reserve the right to remove any comment we deem to be rude."),
         negatives=("Officials urged residents to follow the evacuation orders issued on Monday night.",
                    "The forum's owner said it would reserve the right to remove comments only after a court order.")),
    Rule(PROMO_CONTACT, "promo", "Tip lines and contact addresses for the newsroom or the author.",
         pattern=icase(r"(?:[\w.+-]+@[\w-]+\.[\w.]+|^have a (?:news )?tip\b|^got a (?:news )?tip\b|^(?:contact|email|reach) (?:us|the (?:author|reporter|writer|newsroom))\b)"),
         keywords=("@", "tip", "contact", "email", "reach"),
         max_words=45,
         examples=("Have a tip? Jane Doe may be reached at jdoe@example.com.", "Contact the author at ann@example.org"),
         negatives=("The company said it had contacted the authorities on Tuesday.",)),
    Rule(PAYWALL_NOTICE, "paywall", "Paywall and login walls interrupt the story, they are not part of it.",
         pattern=icase(r"(?:to read the full (?:story|article)|already a subscriber|subscribe to (?:continue|read)|"
                       r"this (?:article|content|story) is (?:only )?(?:available|for|reserved for) (?:to )?(?:subscribers|members)|"
                       r"you have (?:\d+|one|two|three) free (?:articles?|stories)|create a free account|to continue reading|"
                       r"log ?in to (?:continue|read)|start your (?:free )?(?:trial|subscription)|"
                       r"(?:sie sind )?bereits abonnent(?:in)?\?|(?:sie )?haben (?:sie )?bereits ein (?:abo|abonnement)\?|"
                       r"(?:dieser|der) (?:artikel|inhalt|beitrag) ist (?:nur |exklusiv )?(?:für|unseren) (?:abonnent|mitglieder|\S+-(?:abonnent|kunden))|"
                       r"^jetzt (?:weiterlesen(?: mit \S+(?: \S+)?)?|abonnieren|abo abschließen|kostenlos registrieren)\W*$|"
                       r"^weiterlesen mit \S+(?: \S+)?$|um (?:diesen|den (?:ganzen|vollständigen)) artikel (?:zu lesen|weiterzulesen))"),
         max_words=30,
         examples=("To Read the Full Story", "Already a subscriber? Sign in", "You have 3 free articles left",
                   "Sie haben bereits ein Abo? Hier anmelden", "Jetzt weiterlesen mit Plus",
                   "Dieser Artikel ist nur für Abonnenten verfügbar."),
         negatives=("Readers who want to read the full report can find it on the agency's website, officials said.",
                    "Jetzt testen die Stadtwerke den neuen Tarif in drei Bezirken, sagte die Sprecherin.")),
    # cookie wording catches a banner of any length; the legal wording that banners share with prose ("terms and
    # conditions", "privacy policy") only a line of at most NOTICE_MAX_WORDS words: a link, a consent line
    Rule(COOKIE_NOTICE, "cookie", "Cookie and consent banners.",
         pattern=icase(r"(?:we use cookies|uses cookies|(?:use|accept|consent to|set) (?:of )?(?:our |all |these )?cookies|"
                       r"cookie (?:policy|settings|preferences|consent|notice)|accept (?:all )?cookies|"
                       r"utilizziamo (?:i )?cookie|usamos cookies|utilizamos cookies|nous utilisons des cookies|wir verwenden cookies|"
                       r"^cookie-(?:einstellungen|richtlinie|hinweis)|"
                       r"(?:используем|использует) (?:файлы )?cookie)"
                       rf"|^(?!(?:\S+\s+){{{NOTICE_MAX_WORDS}}}\S).*?"
                       r"(?:tracking technologies|privacy (?:policy|settings|preferences)|terms (?:of (?:use|service)|and conditions)|"
                       r"manage (?:consent|preferences))"),
         keywords=("cookie", "tracking", "privacy", "terms", "consent", "preferences"),
         max_words=80,
         examples=("We use cookies to improve your experience.", "Privacy Policy", "Terms of Use",
                   "Utilizziamo i cookie per essere sicuri che tu possa avere la migliore esperienza sul nostro sito.",
                   "By choosing I Accept, you consent to our use of cookies and other tracking technologies.",
                   "Manage preferences | Privacy Policy | Terms and Conditions", "Cookie-Einstellungen"),
         negatives=("The bakery's cookies sold out by noon on Saturday, the owner said with a laugh.",
                    "However, when travellers book a ticket and tick the box agreeing to the terms and conditions, few of "
                    "them realise they have agreed to rules that cover everything from oversold flights to what happens "
                    "when a passenger leaves the trip early.")),
    # --- legal
    Rule(LEGAL_COPYRIGHT, "legal", "Copyright and reuse notices belong to the page, not the story.",
         pattern=icase(r"(?:^(?:copyright|©|\(c\))|all rights reserved|may not be (?:re)?published|alle rechte vorbehalten|"
                       r"tous droits réservés|todos los derechos reservados|tutti i diritti riservati|todos os direitos reservados|"
                       r"(?:rewritten|redistributed) (?:or|without)|reproduction (?:in whole or in part )?(?:is )?(?:prohibited|forbidden))"),
         keywords=("copyright", "©", "(c)", "all rights reserved", "may not be", "alle rechte vorbehalten", "tous droits réservés",
                   "todos los derechos reservados", "tutti i diritti riservati", "todos os direitos reservados", "rewritten",
                   "redistributed", "reproduction"),
         max_words=60,
         examples=("Copyright 2024 Example Media Group Inc. All rights reserved. This material may not be published, broadcast, rewritten, or redistributed.",
                   "© 2024 Example Media", "All Rights Reserved.", "Alle Rechte vorbehalten."),
         negatives=("The singer sued over copyright in the song, which she wrote in 1984.",
                    "Die Rechte an dem Lied hält die Sängerin, die es 1984 schrieb.")),
    Rule(LEGAL_DISCLAIMER, "legal", "Site-wide disclaimers: trademark notices, health and advice disclaimers.",
         pattern=icase(r"(?:\b(?:is a|are) (?:registered )?trademarks? of\b|have not been evaluated by the food and drug administration|"
                       r"^the information (?:provided|contained) (?:on|in) this (?:website|site|article|page)|"
                       r"\bnot intended to (?:diagnose|treat|cure|prevent|replace|be a substitute for)\b|"
                       r"^consult (?:your|a) (?:physician|doctor|healthcare provider) before\b|^results (?:may )?vary\b)"),
         keywords=("trademark", "food and drug", "information", "not intended", "consult", "result"),
         max_words=90,
         examples=("Apple logo and iPhone are registered trademarks of Apple Inc.",
                   "*These statements have not been evaluated by the Food and Drug Administration.",
                   "Consult your physician before beginning any exercise program."),
         negatives=("The company said the logo is a trademark it has used since 1971, and sued the maker.",)),
)
