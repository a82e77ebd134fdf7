"""TeX math that reaches a card: only an allow-list of commands survives.

Anki typesets ``\\(…\\)`` with MathJax, whose TeX input can make links
(``\\href``), set styles, classes and ids (``\\style``, ``\\class``,
``\\cssId``), load extensions (``\\require``) and more. So math is not
passed through: every control sequence is checked against `ALLOWED` (what
notes on papers write: Greek, fonts, fractions, operators, arrows, accents,
delimiters, a few environments). Anything else is shown as text,
``\\backslash\\text{name}``, so the learner still sees what was written.

The scan is one loop over the string (no recursion, any brace depth), and
its token rule is MathJax's own: ``\\`` + ASCII letters, or ``\\`` + one
character. The braces are balanced on the way out, because MathJax looks for
the closing ``\\)`` only where the braces opened after ``\\(`` are closed:
an unclosed ``{`` would pull the text after the formula into it.
"""

from __future__ import annotations

import re
from functools import lru_cache

_GREEK = """alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa varkappa
lambda mu nu xi omicron pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega
Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega
varGamma varDelta varTheta varLambda varXi varPi varSigma varUpsilon varPhi varPsi varOmega"""

_FONTS = """mathcal mathbb mathrm mathbf mathit mathsf mathtt mathfrak mathscr boldsymbol bm pmb
operatorname text textrm textbf textit textsf texttt textnormal mbox mathop mathbin mathrel
displaystyle textstyle scriptstyle scriptscriptstyle"""

_STRUCTURES = """frac dfrac tfrac cfrac binom dbinom tbinom sqrt overline underline overbrace underbrace
overset underset stackrel hat widehat tilde widetilde bar vec dot ddot check breve acute grave
mathring overrightarrow overleftarrow not substack left right middle big Big bigg Bigg bigl bigr
Bigl Bigr biggl biggr Biggl Biggr bigm Bigm limits nolimits begin end hline nonumber notag"""

_OPERATORS = """sum prod coprod int iint iiint oint bigcup bigcap bigoplus bigotimes bigvee bigwedge
lim limsup liminf sup inf max min arg argmax argmin log ln lg exp sin cos tan sec csc cot arcsin
arccos arctan sinh cosh tanh det dim ker deg gcd hom Pr mod bmod pmod"""

_RELATIONS = """le leq ge geq ne neq approx sim simeq cong equiv propto ll gg prec succ preceq succeq
subset supset subseteq supseteq subsetneq supsetneq in ni notin mid nmid parallel perp vdash models
triangleq coloneqq doteq asymp lesssim gtrsim leqslant geqslant approxeq"""

_BINARY = """pm mp times div cdot ast star circ bullet oplus ominus otimes odot oslash cup cap setminus
wedge vee land lor neg lnot sqcup sqcap uplus dagger ddagger amalg"""

_ARROWS = """to gets rightarrow leftarrow leftrightarrow Rightarrow Leftarrow Leftrightarrow iff
implies impliedby mapsto longrightarrow longleftarrow longleftrightarrow Longrightarrow
Longleftarrow Longleftrightarrow longmapsto uparrow downarrow updownarrow Uparrow Downarrow
nearrow searrow swarrow nwarrow hookrightarrow hookleftarrow rightleftharpoons xrightarrow
xleftarrow leadsto twoheadrightarrow"""

_SYMBOLS = """infty partial nabla forall exists nexists emptyset varnothing ell hbar imath jmath aleph
Re Im wp prime angle triangle square top bot ldots cdots vdots ddots dots dotsc dotsb cdotp colon
checkmark backslash surd lbrace rbrace lbrack rbrack langle rangle lfloor rfloor lceil rceil lvert
rvert lVert rVert vert Vert quad qquad enspace thinspace"""

ALLOWED = frozenset(" ".join((_GREEK, _FONTS, _STRUCTURES, _OPERATORS, _RELATIONS, _BINARY,
                              _ARROWS, _SYMBOLS)).split())
# ``\\`` + one non-letter: spaces, escaped specials, the line break ``\\\\``.
ALLOWED_SYMBOLS = frozenset(",;:!> \t\n{}|%#&_$\\")
ENVIRONMENTS = frozenset("""aligned alignedat gathered split cases matrix pmatrix bmatrix Bmatrix
vmatrix Vmatrix smallmatrix array subarray align* gather* equation* multline*""".split())

# MathJax's control sequence: \ + ASCII letters, or \ + any one character.
_TOKEN = re.compile(r"\\(?:([A-Za-z]+)|(.))?|[{}]", re.S)
_ENV_ARG = re.compile(r"[ \t]*\{([A-Za-z*]+)\}")


def shown_as_text(name: str) -> str:
    """How a refused command appears in the formula: a backslash, then its name as text
    (``{`` and ``}`` are allowed symbols, so never a name here)."""
    return f"\\backslash\\text{{{name}}}" if name else "\\backslash"


@lru_cache(maxsize=1 << 14)
def sanitize(tex: str) -> tuple[str, tuple[str, ...]]:
    """``tex`` with every command outside the allow-list shown as text and its braces
    balanced; and the refused commands (``\\href``, …) in order, each once."""
    out: list[str] = []
    refused: dict[str, None] = {}
    depth = 0
    last = 0
    for m in _TOKEN.finditer(tex):
        out.append(tex[last:m.start()])
        last = m.end()
        token = m.group()
        if token == "{":
            depth += 1
        elif token == "}":
            if depth == 0:
                token = "\\}"               # a stray closer would end an outer group early
            else:
                depth -= 1
        elif not _allowed(m, tex):
            name = m.group(1) or m.group(2) or ""
            refused["\\" + name] = None
            token = shown_as_text(name)
        out.append(token)
    out.append(tex[last:])
    out.append("}" * depth)
    return "".join(out), tuple(refused)


def _allowed(m: re.Match[str], tex: str) -> bool:
    name, symbol = m.group(1), m.group(2)
    if name is not None:
        if name in ("begin", "end"):
            env = _ENV_ARG.match(tex, m.end())
            return bool(env) and env.group(1) in ENVIRONMENTS
        return name in ALLOWED
    return symbol is not None and symbol in ALLOWED_SYMBOLS


def commands(tex: str) -> list[str]:
    """Every control sequence in ``tex`` (by MathJax's rule), for tests and checks."""
    return ["\\" + (m.group(1) or m.group(2) or "") for m in _TOKEN.finditer(tex) if m.group() not in "{}"]
