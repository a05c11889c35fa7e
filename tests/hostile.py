"""Hostile text people could type or import: one corpus for the unit, page and browser tests.

Each payload is something a Markdown reader (Streamlit's st.markdown, captions, labels and
st.table cells; a Markdown viewer) or an HTML renderer (map popups, chart hovers) would turn
into markup, a link, an emoji or an icon if it were not escaped. The browser test plants
``LINK`` in a neighbourhood, theme, city and note and looks for what it would become.
"""

from __future__ import annotations

# The reported defect: a link, bold text and a colour directive in one neighbourhood name.
LINK = "[Klik hier](https://evil.example) **vet** :red[rood]"
# Raw HTML that would run script if it reached a page or the map as markup.
SCRIPT = "<img src=x onerror=alert(1)>"

# One payload per construct (Markdown, GFM, Streamlit's extensions, raw HTML, entities).
MARKDOWN = (
    LINK,
    "kijk op https://evil.example/pad?x=1 nu",
    "HTTPS://EVIL.EXAMPLE en http://evil.example",
    "zie www.evil.example of WWW.evil.example",
    "mail naar boef@evil.example graag",
    "<https://evil.example> <boef@evil.example>",
    "Klik hier: https://evil.example. (https://evil.example) x@evil.example.",
    "ftp://evil.example mailto:boef@evil.example xmpp:boef@evil.example",
    "[x](javascript:alert(1)) javascript:alert(1) data:text/html,x",
    "![plaatje](https://evil.example/x.png) [[Klik]](https://evil.example)",
    "[Klik][ref]\n\n[ref]: https://evil.example",
    "voetnoot[^1]\n\n[^1]: https://evil.example",
    "**vet** __vet__ *schuin* _schuin_ ***beide***",
    "`code` ``dubbel``",
    ":blue-badge[badge] :material/flag: :smile: :streamlit: :tada: :+1: :-1:",
    ":red[**[Klik](https://evil.example)**] ::red[blok]",
    "$x^2$ en $$y$$ en 5 $ en 6 $",
    "# kop",
    "> citaat",
    "- punt\n+ plus\n* ster",
    "1. lijst\n2) twee",
    "---",
    "a\n===",
    "| a | b |\n|---|---|\n| c | d |",
    SCRIPT,
    "<script>alert('xss')</script> <b>vet</b> <a href=https://evil.example>a</a>",
    "&amp; &copy; &#106;avascript: &lt;",
    "~~weg~~ ~enkel~",
    "pad\\naar\\ en \\* en \\",
    "regel een  \nregel twee\\\nregel drie",
    "    ingesprongen code",
    "Tijd:voor 12:30 a:b:c",
)

# Everything at once, over several lines (the Markdown handout and the lesson views).
HOSTILE = (
    "**vet** _schuin_ `code` [link](javascript:alert(1)) ![plaatje](x.png) | a | b |\n"
    "<script>alert('xss')</script> <b>vet</b> &amp; &copy; $x^2$ :red[rood] ~~weg~~ \\* {x}\n"
    "https://evil.example www.evil.example boef@evil.example :smile: :material/flag:\n"
    "1. lijst\n- punt\n+ plus\n* ster\n# kop\n> citaat\n===\n---\n    code\n2) twee 3 < 4 > 2!"
)
# Leading indentation is dropped (it would make a code block); HTML collapses it anyway.
AS_SHOWN = HOSTILE.replace("\n    code", "\ncode")


def as_shown(text: str) -> str:
    """What a reader shows of ``text`` escaped: the text itself, without leading indentation."""
    return "\n".join(line.lstrip(" \t") for line in text.split("\n"))
