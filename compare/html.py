"""report.html: report.md rendered by markdown-it-py into one self-contained page.

- Maths reads as maths: symbols such as theta_0 and w_A become MathML (which browsers render
  natively, no script), and the report's display formulas (``DISPLAY_MATH``: by the id of the fact
  that says them, whose text in the report's language is what the Markdown holds; LaTeX here)
  become MathML blocks via latex2mathml. report.md keeps the plain text.
- On a phone: a viewport tag, tables that scroll inside their own box instead of widening the
  page, images that shrink to the width, prose left-aligned and numbers right-aligned.
- Self-contained and safe: raw HTML in the Markdown is off (user text is escaped as well), and
  images are inlined only from the figure files the report itself wrote (``figures``: name ->
  bytes); any other image is dropped, and so is any link that does not point inside the page.
  The page references no URL, and does not even contain one as text: the ":" of a "://" that
  user text brings (a coin label, a path) is written as the entity ``&#58;``, so a reader sees
  the text unchanged but nothing that scans the file finds an address to follow.
"""

from __future__ import annotations

import base64
import html
import re

#: the report's display formulas: the id of the fact that says each one (its text, in report.md,
#: is that fact rendered in the report's language) -> LaTeX
DISPLAY_MATH = {
    "ladder.formula_mstep": r"\theta_k = \frac{H_k + a - 1}{H_k + T_k + a + b - 2}",
    "ladder.formula_elbo":
        r"\log p(\mathrm{data}) = \mathrm{ELBO}(q) + \mathrm{KL}(q \,\|\, \mathrm{posterior})",
}
_SYMBOL = re.compile(r"\b(theta|w)_([0-9]+|[A-Za-z])\b")
_GREEK = {"theta": "&#x3B8;", "w": "w"}

STYLE = (
    "body{font-family:Georgia,serif;max-width:980px;margin:2em auto;padding:0 1em;"
    "line-height:1.5;color:#222;text-align:left}"
    ".scroll{overflow-x:auto;max-width:100%;margin:1em 0}"
    "table{border-collapse:collapse;font-size:0.9em}"
    "th,td{border:1px solid #bbb;padding:3px 8px;vertical-align:top}"
    "th{background:#f0f0f0}"
    "img{max-width:100%;height:auto}code,pre{background:#f4f4f4;padding:0 3px}"
    "pre{overflow-x:auto;padding:0.5em}"
    "blockquote{border-left:4px solid #c33;margin:1em 0;padding:0.2em 1em;background:#fff4f4}"
    "math[display=block]{margin:0.8em 0}"
    "@media (max-width:600px){body{margin:0.5em auto;font-size:16px}"
    "table{font-size:0.85em}}")


def _symbol(m) -> str:
    name, sub = m.group(1), m.group(2)
    tag = "mn" if sub.isdigit() else "mi"
    return (f"<math><msub><mi>{_GREEK[name]}</mi><{tag}>{html.escape(sub)}</{tag}></msub>"
            "</math>")


def _inline_math(text: str) -> str:
    """Escaped text with the symbols turned into MathML."""
    out, last = [], 0
    for m in _SYMBOL.finditer(text):
        out.append(html.escape(text[last:m.start()], quote=False))
        out.append(_symbol(m))
        last = m.end()
    out.append(html.escape(text[last:], quote=False))
    return "".join(out)


def _display(latex: str) -> str:
    from latex2mathml.converter import convert

    return re.sub(r'\s+xmlns="[^"]*"', "", convert(latex, display="block"))


def display_math(lang: str = "en") -> dict[str, str]:
    """The display formulas as report.md writes them in ``lang`` (plain text) -> LaTeX."""
    from .words import text

    return {text(key, lang).strip(): latex for key, latex in DISPLAY_MATH.items()}


def render(markdown_text: str, figures: dict, title: str, lang: str = "en", extra: str = "") -> str:
    """The page. ``figures``: {"figures/NAME.png": PNG bytes} the report wrote; ``lang``: the
    report's language (whose catalogue says the display formulas); ``extra``: HTML of ours put
    at the end of the body (the explorer, compare.explorer.section)."""
    from markdown_it import MarkdownIt

    formulas = display_math(lang)
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    tokens = md.parse(markdown_text)
    for i, tok in enumerate(tokens):
        if tok.type != "inline" or not tok.children:
            continue
        whole = tok.content.strip()
        if whole in formulas and i > 0 and tokens[i - 1].type == "paragraph_open":
            tok.children = [_html_token(_display(formulas[whole]))]
            continue
        children, links = [], []                       # links: open links, kept or not
        for child in tok.children:
            if child.type == "text" and _SYMBOL.search(child.content):
                children.append(_html_token(_inline_math(child.content)))
            elif child.type == "image":
                src = child.attrGet("src") or ""
                if src not in figures:                  # only files the report wrote
                    continue
                data = base64.b64encode(figures[src]).decode("ascii")
                child.attrSet("src", f"data:image/png;base64,{data}")
                children.append(child)
            elif child.type in ("link_open", "link_close"):
                opened = child.type == "link_open"
                inside = opened and (child.attrGet("href") or "").startswith("#")
                if opened:
                    links.append(inside)
                if links and links[-1]:                 # a link within the page: kept
                    children.append(child)
                if not opened and links:
                    links.pop()
            else:
                children.append(child)
        tok.children = children
    body = md.renderer.render(tokens, md.options, {})
    body = body.replace("<table>", '<div class="scroll"><table>').replace(
        "</table>", "</table></div>")
    page = (f"<!DOCTYPE html>\n<html lang=\"{html.escape(lang)}\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{html.escape(title)}</title><style>{STYLE}{_font_face(lang, body + extra)}"
            f"</style></head><body>\n{body}{extra}</body></html>\n")
    return page.replace("://", "&#58;//")      # no address in the file, even as text


def _font_face(lang: str, text: str) -> str:
    """For a language the reader's machine may have no font for (Korean): the glyphs this page
    uses, cut from the figures' font (NanumGothic, SIL OFL, compare.style) and inlined as a
    data URL, listed after each family the page names, so the page reads the same on any
    machine. Nothing for English."""
    import io
    import re

    from .style import _FONTS, _font_file

    if lang not in _FONTS:
        return ""
    from fontTools import subset

    import logging

    from .words import catalogue

    # the page's text and every word of the catalogue (the explorer writes its own at run time)
    shown = re.sub(r"<[^>]*>", " ", html.unescape(text)) + "".join(catalogue(lang).values())
    chars = {ord(c) for c in shown if ord(c) > 0x7F}
    logging.getLogger("fontTools").setLevel(logging.ERROR)      # tables it drops, by design
    options = subset.Options()
    options.flavor = None
    options.name_IDs = ["*"]          # keep the licence and the name (SIL OFL)
    options.notdef_outline = True
    font = subset.load_font(io.BytesIO(_font_file(lang).read_bytes()), options)
    sub = subset.Subsetter(options)
    sub.populate(unicodes=sorted(chars))
    sub.subset(font)
    buf = io.BytesIO()
    font.save(buf)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    name = _FONTS[lang]
    return (f"@font-face{{font-family:'{name}';src:url(data:font/ttf;base64,{data}) "
            f"format('truetype')}}"
            f"body{{font-family:Georgia,'{name}',serif}}"
            f"body .cmx{{font-family:system-ui,-apple-system,Segoe UI,'{name}',sans-serif}}"
            f"body .cmx button,body .cmx select,body .cmx input{{font-family:inherit}}"
            f"body .cmx h2{{font-family:Georgia,'{name}',serif}}")


def _html_token(content: str):
    from markdown_it.token import Token

    tok = Token("html_inline", "", 0)
    tok.content = content
    return tok
