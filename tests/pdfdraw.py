"""What a PDF page draws, as a list of marks: each stroked or filled path with its colour, width,
dash, caps and joins and its points on the page, and each piece of text with its font, size,
colour and place; for tests that compare two ways of drawing the same picture.

A small interpreter of the content-stream operators reportlab writes (PDF 1.4, section 8): the
graphics state (q/Q, cm, colours, line width, cap, join, dash), paths (m, l, c, re, h) and how
they are painted (S, s, f, f*, B, B*, b, b*, n), and text objects (BT/ET, Tf, TL, Tm, Td, T*, Tj).
Only what is seen is kept: how the state was set (saved, restored, set twice) does not count.
Coordinates are rounded to hundredths of a point.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from reportlab.pdfgen.canvas import Canvas

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)

_TOKEN = re.compile(rb"""
    (?P<space>\s+)
  | (?P<string>\()
  | (?P<hex><[0-9A-Fa-f\s]*>)
  | (?P<array_open>\[) | (?P<array_close>\])
  | (?P<name>/[^\s/\[\]()<>{}%]*)
  | (?P<number>[+-]?(?:\d+\.?\d*|\.\d+))
  | (?P<operator>[A-Za-z'"*]+)
""", re.VERBOSE)


def _string(data: bytes, at: int) -> tuple[bytes, int]:
    """The literal string opening at data[at] ('('), unescaped, and where it ends."""
    out = bytearray()
    depth, i = 1, at + 1
    while True:
        ch = data[i]
        if ch == 0x5C:  # backslash
            nxt = data[i + 1]
            escapes = {ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t", ord("b"): b"\b", ord("f"): b"\f"}
            if nxt in escapes:
                out += escapes[nxt]
                i += 2
            elif 0x30 <= nxt <= 0x37:
                digits = re.match(rb"[0-7]{1,3}", data[i + 1:i + 4])
                assert digits is not None
                out.append(int(digits.group(), 8) & 0xFF)
                i += 1 + len(digits.group())
            else:
                out.append(nxt)
                i += 2
            continue
        if ch == 0x28:
            depth += 1
        elif ch == 0x29:
            depth -= 1
            if depth == 0:
                return bytes(out), i + 1
        out.append(ch)
        i += 1


def _tokens(data: bytes) -> list[object]:
    """Operands (float, bytes for strings, str for names, list for arrays) and operators (Op)."""
    found: list[object] = []
    stack: list[list[object]] = [found]
    i = 0
    while i < len(data):
        m = _TOKEN.match(data, i)
        if m is None:
            raise ValueError(f"cannot read the content stream at {data[i:i + 30]!r}")
        kind = m.lastgroup
        if kind == "string":
            text, i = _string(data, i)
            stack[-1].append(text)
            continue
        i = m.end()
        value = m.group()
        if kind == "hex":
            stack[-1].append(bytes.fromhex(value[1:-1].decode().replace(" ", "")))
        elif kind == "array_open":
            stack.append([])
        elif kind == "array_close":
            done = stack.pop()
            stack[-1].append(done)
        elif kind == "name":
            stack[-1].append(value.decode("latin-1"))
        elif kind == "number":
            stack[-1].append(float(value))
        elif kind == "operator":
            stack[-1].append(Op(value.decode()))
    return found


@dataclass(frozen=True)
class Op:
    name: str


def _times(a: Matrix, b: Matrix) -> Matrix:
    """a then b (PDF's row-vector convention: a point p goes to p·a·b)."""
    return (a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
            a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
            a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5])


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return (round(m[0] * x + m[2] * y + m[4], 2) + 0.0, round(m[1] * x + m[3] * y + m[5], 2) + 0.0)


@dataclass(frozen=True)
class State:
    ctm: Matrix = IDENTITY
    stroke: tuple[float, ...] = (0.0, 0.0, 0.0)
    fill: tuple[float, ...] = (0.0, 0.0, 0.0)
    width: float = 1.0
    cap: int = 0
    join: int = 0
    dash: tuple[tuple[float, ...], float] = ((), 0.0)


@dataclass(frozen=True)
class Mark:
    """One thing seen on the page: a path painted ("stroke", "fill", "fill+stroke") or text."""

    kind: str
    points: tuple[tuple[str, tuple[tuple[float, float], ...]], ...] = ()  # (operator, page points) each
    stroke: tuple[float, ...] | None = None
    fill: tuple[float, ...] | None = None
    width: float | None = None
    cap: int | None = None
    join: int | None = None
    dash: tuple[tuple[float, ...], float] | None = None
    text: bytes = b""
    font: str = ""
    size: float = 0.0
    at: tuple[float, float] = (0.0, 0.0)


@dataclass
class _Text:
    font: str = ""
    size: float = 0.0
    leading: float = 0.0
    matrix: Matrix = IDENTITY
    line: Matrix = IDENTITY
    marks: list[Mark] = field(default_factory=list)


def _rgb(color: tuple[float, ...]) -> tuple[float, ...]:
    return tuple(round(v, 3) for v in color)


def marks(content: str | bytes, fonts: dict[str, str] | None = None) -> list[Mark]:
    """The marks a page's content stream makes, in the order it makes them; `fonts` names the
    fonts by their resource names ("/F3" → "QcdeskCJK": which number a font gets depends on
    which font the page used first), a subset's number kept ("/F3+0" → "QcdeskCJK+0")."""
    names = fonts or {}
    data = content.encode("latin-1") if isinstance(content, str) else content
    state = State()
    saved: list[State] = []
    path: list[tuple[str, tuple[tuple[float, float], ...]]] = []
    text = _Text()
    out: list[Mark] = []
    operands: list[object] = []

    def nums(n: int) -> list[float]:
        values = [float(v) for v in operands[-n:]]  # type: ignore[arg-type]
        return values

    def paint(kind: str, close: bool = False) -> None:
        if close:
            path.append(("h", ()))
        if kind != "none" and path:
            stroked = "stroke" in kind
            filled = "fill" in kind
            out.append(Mark(kind, tuple(path),
                            stroke=_rgb(state.stroke) if stroked else None,
                            fill=_rgb(state.fill) if filled else None,
                            width=round(state.width, 3) if stroked else None,
                            cap=state.cap if stroked else None, join=state.join if stroked else None,
                            dash=state.dash if stroked else None))
        path.clear()

    for token in _tokens(data):
        if not isinstance(token, Op):
            operands.append(token)
            continue
        op = token.name
        if op == "q":
            saved.append(state)
        elif op == "Q":
            state = saved.pop()
        elif op == "cm":
            state = replace(state, ctm=_times(tuple(nums(6)), state.ctm))  # type: ignore[arg-type]
        elif op == "RG":
            state = replace(state, stroke=tuple(nums(3)))
        elif op == "rg":
            state = replace(state, fill=tuple(nums(3)))
        elif op == "G":
            state = replace(state, stroke=tuple(nums(1)) * 3)
        elif op == "g":
            state = replace(state, fill=tuple(nums(1)) * 3)
        elif op == "w":
            state = replace(state, width=nums(1)[0])
        elif op == "J":
            state = replace(state, cap=int(nums(1)[0]))
        elif op == "j":
            state = replace(state, join=int(nums(1)[0]))
        elif op == "d":
            array, phase = operands[-2], operands[-1]
            state = replace(state, dash=(tuple(round(float(v), 3) for v in array),  # type: ignore[union-attr]
                                         float(phase)))  # type: ignore[arg-type]
        elif op in ("m", "l"):
            x, y = nums(2)
            path.append((op, (_apply(state.ctm, x, y),)))
        elif op == "c":
            v = nums(6)
            path.append(("c", tuple(_apply(state.ctm, v[i], v[i + 1]) for i in (0, 2, 4))))
        elif op == "re":
            x, y, w, h = nums(4)
            path.append(("re", tuple(_apply(state.ctm, px, py)
                                     for px, py in ((x, y), (x + w, y), (x + w, y + h), (x, y + h)))))
        elif op == "h":
            path.append(("h", ()))
        elif op == "S":
            paint("stroke")
        elif op == "s":
            paint("stroke", close=True)
        elif op in ("f", "F", "f*"):
            paint("fill")
        elif op in ("B", "B*"):
            paint("fill+stroke")
        elif op in ("b", "b*"):
            paint("fill+stroke", close=True)
        elif op == "n":
            paint("none")
        elif op == "BT":
            text.matrix = text.line = IDENTITY
        elif op == "ET":
            pass
        elif op == "Tf":
            resource, _plus, subset = str(operands[-2]).partition("+")
            text.font = names.get(resource, resource) + _plus + subset
            text.size = float(operands[-1])  # type: ignore[arg-type]
        elif op == "TL":
            text.leading = nums(1)[0]
        elif op == "Tm":
            text.matrix = text.line = tuple(nums(6))  # type: ignore[assignment]
        elif op == "Td":
            tx, ty = nums(2)
            text.matrix = text.line = _times((1.0, 0.0, 0.0, 1.0, tx, ty), text.line)
        elif op == "T*":
            text.matrix = text.line = _times((1.0, 0.0, 0.0, 1.0, 0.0, -text.leading), text.line)
        elif op == "Tj":
            shown = operands[-1]
            assert isinstance(shown, bytes)
            page = _times(text.matrix, state.ctm)
            out.append(Mark("text", text=shown, font=text.font, size=text.size,
                            fill=tuple(round(v, 3) for v in state.fill), at=_apply(page, 0.0, 0.0)))
        operands.clear()
    return out


def page_marks(canvas: Canvas) -> list[Mark]:
    """The marks of the page being drawn on a canvas made with pageCompression=0 (not yet shown)."""
    names = {internal: name for name, internal in canvas._doc.fontMapping.items()}
    return marks("\n".join(canvas._code), names)
